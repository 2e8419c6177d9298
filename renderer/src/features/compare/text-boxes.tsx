/**
 * OCR boxes over an output (issue 11): every line the engine read, in the image's own pixels, drawn inside the
 * side's Layer so they follow zoom and pan. Lines the text check scored are outlined in the pass/fail colour;
 * other text in the picture (a sign that was already there) is dashed and grey. The recognised text is on each
 * box's title and, at the box's top-left, as a small label. A line a region re-read decided says so, with what the
 * whole-image read said (docs/text-check.md "Re-reading a failed line").
 */
import type { SideTextCheck } from '../../../../shared/ocr-view.ts';
import { boundsToPercent } from './geometry.ts';

export function TextBoxes({ check, position }: { check: SideTextCheck; position: 'left' | 'right' }) {
  const image = { width: check.width, height: check.height };
  return (
    <div className="cv-text-boxes" data-testid={`ocr-boxes-${position}`} data-pass={check.pass}>
      {check.lines.map((line, i) => {
        const box = boundsToPercent(line.box, image);
        if (!box) return null;
        const used = check.usedLines.includes(i);
        const cls = used ? (check.pass ? 'is-pass' : 'is-fail') : 'is-other';
        return (
          <div
            key={i}
            className={`cv-text-box ${cls}`}
            style={box}
            data-testid={`ocr-box-${position}`}
            data-reread={line.firstRead !== undefined}
            title={
              `Read: “${line.text}” (confidence ${Math.round(line.confidence * 100)} %)` +
              (line.firstRead !== undefined ? ` — from a re-read of this line; the whole-image read said “${line.firstRead}”` : '') +
              (used ? '' : ' — not part of the expected text')
            }
          >
            <span className="cv-text-box-label">{line.text}</span>
          </div>
        );
      })}
    </div>
  );
}
