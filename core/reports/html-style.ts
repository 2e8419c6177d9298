/** The inline style of report.html (its CSP hash is computed from this exact text). */
export const STYLE = `
:root{color-scheme:dark;--bg:#0f1115;--panel:#171a21;--line:#2a2f3a;--fg:#e6e8ee;--muted:#9aa3b2;--ok:#22c55e;--err:#ef4444;--warn:#f59e0b;--acc:#60a5fa}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK SC","Omni Review CJK",sans-serif}
header,main,.filters{padding:12px 20px}
h1{font-size:20px;margin:4px 0}h2{font-size:17px;margin:0 0 8px}h3{font-size:15px;margin:0 0 6px}h4{font-size:14px;margin:0 0 4px}
code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;color:#c7d2fe;word-break:break-all}
.muted{color:var(--muted)}.warn{color:var(--warn)}.worse{color:var(--err)}.a-faster{color:var(--ok)}.a-slower{color:var(--err)}.a-even{color:var(--muted)}tr.sub th{font-weight:400;color:var(--muted)}tr.group th{padding-top:8px;color:var(--acc);font-weight:600;text-align:left}.error{color:#fecaca;background:#3b1414;border:1px solid #7f1d1d;padding:6px 8px;border-radius:6px;white-space:pre-wrap;word-break:break-word}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(380px,1fr));gap:12px;margin-top:10px}
.card{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:10px 12px;min-width:0;overflow-x:auto}.card.wide{grid-column:1/-1}.card table.stages.detail{margin-top:8px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 10px;margin:0}dt{color:var(--muted)}dd{margin:0}dd ul{margin:0;padding-left:16px}
.badge{display:inline-block;padding:0 6px;border-radius:4px;font-size:12px;font-weight:600;border:1px solid currentColor}
.badge.sim{color:#111;background:var(--warn);border-color:var(--warn)}
.st-ok{color:var(--ok)}.st-error{color:var(--err)}.st-pending{color:var(--muted)}.st-skipped{color:var(--warn)}
.chip{display:inline-block;padding:0 6px;border-radius:10px;background:#232836;border:1px solid var(--line);font-size:12px}
.chip.text{font-size:13px;background:#1e293b}.chip.cat{color:var(--acc)}
.headline{font-size:18px;font-weight:600;margin:4px 0}
table.num{border-collapse:collapse}table.num th,table.num td{padding:2px 10px;white-space:nowrap;border-bottom:1px solid var(--line);text-align:right}table.num th:first-child{text-align:left}
.bars div{display:flex;align-items:center;gap:8px;margin:3px 0}
.side{display:inline-block;width:18px;font-weight:700;color:var(--acc)}
svg.bar{background:#0b0d11;border-radius:3px;max-width:100%}svg.bar rect.track{fill:#2b3140}
.filters{position:sticky;top:0;z-index:2;background:rgba(15,17,21,.95);border-bottom:1px solid var(--line);display:flex;gap:10px;align-items:center;flex-wrap:wrap}
.filters input,.filters select{background:var(--panel);color:var(--fg);border:1px solid var(--line);border-radius:6px;padding:5px 8px}
.filters input{min-width:280px}
section.case{margin:16px 0;padding:10px 12px;border:1px solid var(--line);border-radius:10px;background:#12151b}
section.case .title{color:var(--muted);font-weight:400}
.chain{border-left:3px solid #334155;padding-left:10px;margin:8px 0}.chain-title{color:var(--muted);font-weight:500}
article.pair{padding:10px 0;border-top:1px dashed var(--line);content-visibility:auto;contain-intrinsic-size:auto 560px}
.prompt{white-space:pre-wrap;word-break:break-word;margin:2px 0 6px;font-size:15px}
.key{font-weight:400;font-size:12px}
.grid{display:grid;grid-template-columns:repeat(4,minmax(0,240px));gap:10px}
.sources{display:flex;flex-direction:column;gap:6px}
.fig{margin:0}.fig .frame{position:relative;background:#0b0d11;border:1px solid var(--line);border-radius:6px;min-height:80px;display:flex;align-items:center;justify-content:center;overflow:hidden}
.fig svg.th{display:block;width:100%;height:auto}.fig.small svg.th{height:140px;width:auto;max-width:100%}
svg.thumbs{position:absolute;width:0;height:0;overflow:hidden}
.fig a.zoom{display:block;position:relative;width:100%}.fig.small a.zoom{display:flex;justify-content:center}
.fig figcaption{font-size:12px;color:var(--muted);margin-top:2px}
svg.overlay{position:absolute;inset:0;width:100%;height:100%;pointer-events:none}svg.overlay rect{fill:none;stroke:#22d3ee;stroke-width:2}
.ph{color:var(--muted);font-size:12px;padding:24px 8px;text-align:center}
.expected{margin:6px 0}
.sides{display:grid;grid-template-columns:1fr 1fr;gap:12px;margin-top:6px}
.side-stats{background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:6px 8px;display:flex;flex-direction:column;gap:3px}
.e2e{font-weight:600}
.diff{margin-top:6px}
ul.verdicts{margin:6px 0 0;padding-left:18px}.note{white-space:pre-wrap}
.swatch{vertical-align:middle}
#lightbox{position:fixed;inset:0;z-index:10;background:rgba(0,0,0,.88);display:flex;flex-direction:column;align-items:center;justify-content:center;gap:8px;padding:20px}
#lightbox img{max-width:96vw;max-height:86vh;image-rendering:auto;background:#000}
#lightbox a,#lightbox button{color:var(--acc);background:none;border:1px solid var(--line);border-radius:6px;padding:3px 10px;font:inherit;cursor:pointer}
[hidden]{display:none !important}
.conclusion .headline{font-size:18px}.conclusion p{margin:4px 0}.headline-review,.headline-text{font-size:15px}
table.summary th,table.summary td{padding:2px 8px}table.summary thead th{text-align:center;color:var(--muted);font-weight:600}table.summary tr.total th,table.summary tr.total td{font-weight:700}table.summary tr.sub th{padding-left:18px}
@media (max-width:900px){.grid{grid-template-columns:repeat(2,minmax(0,240px))}.sides{grid-template-columns:1fr}}
@media print{
:root{color-scheme:light;--bg:#fff;--panel:#fff;--line:#c8ccd4;--fg:#111;--muted:#4b5563;--acc:#1d4ed8;--ok:#15803d;--err:#b91c1c;--warn:#b45309}
body{font-size:11px}
.filters,#lightbox{display:none !important}
section.case{background:#fff;break-inside:auto}
article.pair{break-inside:avoid;content-visibility:visible}
.card{overflow:visible;break-inside:avoid}.card.wide{break-inside:auto}
.fig .frame,svg.bar{background:#fff}
code{color:#312e81}.chip{background:#f3f4f6}.error{color:#7f1d1d;background:#fee2e2}
.cards{grid-template-columns:1fr}
table.summary{font-size:9.5px}table.summary th,table.summary td{padding:1px 4px}
a{color:inherit;text-decoration:none}
.grid{grid-template-columns:repeat(4,minmax(0,1fr))}.sides{grid-template-columns:1fr 1fr}
.chip.text{background:#e5e7eb}.badge.sim{color:#111}
svg.bar rect.track{fill:#e5e7eb}
}
.text-failures{list-style:none;padding:0;margin:0;display:grid;gap:8px}.text-failure{border-top:1px dashed var(--line);padding-top:6px}.text-crops{display:flex;flex-wrap:wrap;gap:6px;margin-top:4px}.text-crop{border:1px solid var(--line);background:#000}
`;
