import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSuiteFile, parseSuiteText, SuiteError } from './load.ts';

const TESTDATA = path.join(import.meta.dirname, 'testdata');
const IMAGES = path.resolve(import.meta.dirname, '../../fixtures/images');
/** From testdata/, where inline texts are resolved. */
const COFFEE = '../../../fixtures/images/coffee.png';
const BRICK = '../../../fixtures/images/brick.png';

async function rejection(promise: Promise<unknown>): Promise<SuiteError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SuiteError) return error;
    throw error;
  }
  throw new Error('expected a SuiteError, but the suite loaded');
}

const fileError = (name: string): Promise<SuiteError> => rejection(loadSuiteFile(path.join(TESTDATA, name)));
const textError = (text: string): Promise<SuiteError> => rejection(parseSuiteText(text, { fileName: 'inline.yaml', baseDir: TESTDATA }));
const parse = (text: string) => parseSuiteText(text, { fileName: 'inline.yaml', baseDir: TESTDATA });

/** Every issue's message is one line of the documented shape. */
function expectWellFormed(error: SuiteError): void {
  expect(error.errors.length).toBeGreaterThan(0);
  expect(error.message).toBe(error.errors[0]?.message);
  for (const issue of error.errors) {
    expect(issue.message).not.toMatch(/\n/);
    const where = issue.line === null ? issue.file : `${issue.file}:${issue.line}:${issue.column}`;
    expect(issue.message).toBe(`${where}: ${issue.field ? `${issue.field}: ` : ''}${issue.problem}.${issue.hint ? ` ${issue.hint}` : ''}`);
  }
  const positions = error.errors.map((e) => [e.line ?? 0, e.column ?? 0] as const);
  const sorted = [...positions].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  expect(positions).toEqual(sorted);
}

function expectAt(error: SuiteError, line: number, column: number, field: string): void {
  expectWellFormed(error);
  expect({ line: error.line, column: error.column, field: error.field }).toEqual({ line, column, field });
}

describe('loadSuiteFile: each class of problem at its line, column and field', () => {
  it('YAML syntax: points at the bracket that is never closed, not where the parser noticed', async () => {
    const error = await fileError('syntax-error.yaml');
    expectAt(error, 7, 11, '');
    expect(error.problem).toBe('YAML syntax error: this [ is never closed');
  });

  it('unknown key, with a did-you-mean', async () => {
    const error = await fileError('unknown-key.yaml');
    expectAt(error, 7, 5, 'cases[0].negativ_prompt');
    expect(error.problem).toBe('unknown key "negativ_prompt"');
    expect(error.hint).toBe('Did you mean negative_prompt?');
  });

  it('wrong types and out-of-range values, every one of them', async () => {
    const error = await fileError('wrong-types.yaml');
    expectWellFormed(error);
    expect(error.errors.map((e) => [e.line, e.column, e.field, e.problem])).toEqual([
      [3, 3, 'defaults.seed', 'must be at least 0 (got -1)'],
      [4, 3, 'defaults.steps', 'expected a number, got the text "many"'],
      [11, 7, 'cases[0].params.true_cfg_scale', 'must be at most 20 (got 25)'],
      [12, 5, 'cases[0].tags', 'expected a list, got the text "spoon"'],
    ]);
    expect(error.errors[3]?.hint).toBe('Write a list: tags: [spoon].');
  });

  it('both prompt and turns: points at the later of the two', async () => {
    const error = await fileError('prompt-and-turns.yaml');
    expectAt(error, 7, 5, 'cases[0].turns');
    expect(error.problem).toBe('has both prompt and turns');
  });

  it('neither prompt nor turns: points at the case', async () => {
    const error = await fileError('no-prompt.yaml');
    expectAt(error, 7, 5, 'cases[1]');
    expect(error.problem).toBe('has neither prompt nor turns');
  });

  it('an edit category without input', async () => {
    const error = await fileError('missing-input.yaml');
    expectAt(error, 3, 5, 'cases[0].input');
    expect(error.problem).toBe('a text-rendering case needs an input image');
  });

  it('a generation case with an input', async () => {
    const error = await fileError('generation-with-input.yaml');
    expectAt(error, 6, 5, 'cases[0].input');
    expect(error.problem).toBe('a generation case takes no input image (it is text-to-image)');
  });

  it('an input that does not exist: the documented message, with where it looked and a near name', async () => {
    const file = path.join(TESTDATA, 'input-not-found.yaml');
    const error = await fileError('input-not-found.yaml');
    expectAt(error, 9, 5, 'cases[1].input');
    expect(error.message).toBe(
      `${file}:9:5: cases[1].input: file not found: ../../../fixtures/images/cofee.png (looked in ${IMAGES}). ` +
        'Check the path is relative to the suite file. Did you mean ../../../fixtures/images/coffee.png?',
    );
    expect(error.errors).toHaveLength(1);
  });

  it('an input that is a directory, in an inputs list', async () => {
    const error = await fileError('input-directory.yaml');
    expectAt(error, 7, 9, 'cases[0].inputs[1]');
    expect(error.problem).toBe(`../../../fixtures/images is a directory, not an image (${IMAGES})`);
  });

  it('an input that is not a decodable image', async () => {
    const error = await fileError('input-not-image.yaml');
    expectAt(error, 5, 5, 'cases[0].input');
    expect(error.problem).toMatch(/^not-an-image\.png is not a decodable image \(.+\)$/);
  });

  it('an input in a format the servers do not take', async () => {
    const error = await fileError('input-vector.yaml');
    expectAt(error, 5, 5, 'cases[0].input');
    expect(error.problem).toBe('vector.svg is SVG, which the servers do not take as an input image');
  });

  it('an input larger than 4096 px', async () => {
    const error = await fileError('input-too-large.yaml');
    expectAt(error, 5, 5, 'cases[0].input');
    expect(error.problem).toBe('too-large.png is 4100x8 px, larger than 4096 px on a side');
  });

  it('a duplicate id: points at the second use and names the first', async () => {
    const error = await fileError('duplicate-id.yaml');
    expectAt(error, 11, 5, 'cases[2].id');
    expect(error.problem).toBe('duplicate case id "same" (first used by cases[0] on line 3)');
    expect(error.errors).toHaveLength(1);
  });

  it('a bad category lists the allowed values', async () => {
    const error = await fileError('bad-category.yaml');
    expectAt(error, 4, 5, 'cases[0].category');
    expect(error.problem).toBe('"style" is not one of text-rendering, style-transfer, multi-turn, edit, generation');
    expect(error.hint).toBe('Did you mean style-transfer?');
  });

  it('empty turns', async () => {
    const error = await fileError('empty-turns.yaml');
    expectAt(error, 6, 5, 'cases[0].turns');
    expect(error.problem).toBe('must list at least 1 turn');
  });

  it('bad size strings, in defaults and in case params', async () => {
    const error = await fileError('bad-size.yaml');
    expectWellFormed(error);
    expect(error.errors.map((e) => [e.line, e.column, e.field])).toEqual([
      [2, 13, 'defaults.size'],
      [8, 15, 'cases[0].params.size'],
    ]);
    expect(error.errors[0]?.hint).toBe('Write it as 1024x1024.');
    expect(error.errors[1]?.hint).toMatch(/ask for 992x736/);
  });

  it('a suite file that does not exist has no line, and says where it looked', async () => {
    const missing = path.join(TESTDATA, 'nope.yaml');
    const error = await rejection(loadSuiteFile(missing));
    expect({ line: error.line, column: error.column, field: error.field }).toEqual({ line: null, column: null, field: '' });
    expect(error.message).toBe(`${missing}: suite file not found (looked for ${missing}). Check the path; it is relative to the current directory.`);
    expect((await rejection(loadSuiteFile(TESTDATA))).problem).toMatch(/^is a directory, not a suite file/);
  });
});

describe('parseSuiteText: YAML-level problems', () => {
  it('tabs used for indentation', async () => {
    expectAt(await textError('name: x\ncases:\n\t- id: a\n'), 3, 1, '');
  });

  it('a repeated key in one mapping', async () => {
    const error = await textError(`name: x\ncases:\n  - id: a\n    category: edit\n    input: ${COFFEE}\n    prompt: one\n    prompt: two\n`);
    expectAt(error, 7, 5, '');
    expect(error.problem).toBe('duplicate key "prompt" in the same mapping');
  });

  it('a second document', async () => {
    const error = await textError('name: x\n---\nname: y\n');
    expectAt(error, 2, 1, '');
    expect(error.problem).toMatch(/one YAML document/);
  });

  it('an unquoted value with ": " in it, with the quoting fix', async () => {
    const error = await textError(`name: x\ncases:\n  - id: a\n    category: text-rendering\n    input: ${COFFEE}\n    prompt: Add a sign: "OPEN"\n`);
    expectAt(error, 6, 13, '');
    expect(error.hint).toMatch(/wrap it in single quotes/);
  });

  it('an alias without its anchor', async () => {
    const error = await textError('name: x\ndefaults: *shared\ncases: []\n');
    expectAt(error, 2, 11, '');
    expect(error.problem).toBe('unknown alias *shared');
  });

  it('an empty file, and a file that is a list', async () => {
    expectAt(await textError(''), 1, 1, '');
    expect((await textError('# only a comment\n')).problem).toBe('the suite file is empty');
    const list = await textError('- id: a\n- id: b\n');
    expectAt(list, 1, 1, '');
    expect(list.problem).toMatch(/must be a mapping with name: and cases:, not a list/);
  });
});

describe('parseSuiteText: structure and cross-field rules', () => {
  it('missing name and cases point at the document start', async () => {
    const error = await textError('description: nothing else\n');
    expect(error.errors.map((e) => [e.line, e.column, e.field, e.problem])).toEqual([
      [1, 1, 'name', 'missing'],
      [1, 1, 'cases', 'missing'],
    ]);
    expect(error.errors[1]?.hint).toBe('Add cases: with at least one case.');
  });

  it('says where a misplaced key belongs, and maps camelCase keys onto snake_case', async () => {
    const error = await textError(
      `name: x\nseed: 1\ncases:\n  - id: a\n    category: edit\n    input: ${COFFEE}\n    prompt: Remove the spoon\n    negativePrompt: blur\n    steps: 3\n`,
    );
    expect(error.errors.map((e) => [e.line, e.column, e.field, e.hint])).toEqual([
      [2, 1, 'seed', 'seed belongs under defaults: (it applies to every case).'],
      [8, 5, 'cases[0].negativePrompt', 'Did you mean negative_prompt?'],
      [9, 5, 'cases[0].steps', 'steps belongs under params: of the case.'],
    ]);
  });

  it('an unknown key inside a turn and inside flow-style params (a misspelt required key is one problem, not two)', async () => {
    const error = await textError(
      `name: x\ncases:\n  - id: a\n    category: multi-turn\n    input: ${BRICK}\n    params: { seed: 1, stesp: 20 }\n    turns:\n      - prompt: Add a door\n      - promt: Add a plaque\n`,
    );
    expect(error.errors.map((e) => [e.line, e.column, e.field, e.hint])).toEqual([
      [6, 24, 'cases[0].params.stesp', 'Did you mean steps?'],
      [9, 9, 'cases[0].turns[1].promt', 'Did you mean prompt?'],
    ]);
  });

  it('a misspelt prompt or input is one problem (did-you-mean), not also "has no prompt" or "needs an input"', async () => {
    const error = await textError(`name: x\ncases:\n  - id: a\n    category: edit\n    inptu: ${COFFEE}\n    promt: Remove the spoon\n`);
    expect(error.errors.map((e) => [e.line, e.column, e.field, e.hint])).toEqual([
      [5, 5, 'cases[0].inptu', 'Did you mean input?'],
      [6, 5, 'cases[0].promt', 'Did you mean prompt?'],
    ]);
  });

  it('a multi-turn case needs at least two turns', async () => {
    const error = await textError(`name: x\ncases:\n  - id: a\n    category: multi-turn\n    input: ${BRICK}\n    prompt: Add a door\n`);
    expectAt(error, 6, 5, 'cases[0].prompt');
    expect(error.problem).toBe('a multi-turn case needs at least 2 turns');
  });

  it('a text-rendering case needs text to check', async () => {
    const error = await textError(`name: x\ncases:\n  - id: a\n    category: text-rendering\n    input: ${COFFEE}\n    prompt: Add a sign that reads OPEN\n`);
    expectAt(error, 6, 5, 'cases[0].prompt');
    expect(error.problem).toBe('a text-rendering case has no text to check');
    // Explicit expected_text is enough without quotes.
    await expect(parse(`name: x\ncases:\n  - id: a\n    category: text-rendering\n    input: ${COFFEE}\n    prompt: Add a sign that reads OPEN\n    expected_text: [OPEN]\n`)).resolves.toBeDefined();
  });

  it('case-level negative_prompt or expected_text next to turns', async () => {
    const error = await textError(
      `name: x\ncases:\n  - id: a\n    category: multi-turn\n    input: ${BRICK}\n    negative_prompt: blur\n    turns:\n      - prompt: Add a door\n      - prompt: Paint it red\n`,
    );
    expectAt(error, 6, 5, 'cases[0].negative_prompt');
    expect(error.hint).toBe('Move negative_prompt into the turns it applies to.');
  });

  it('input and inputs together; a list under input', async () => {
    const both = await textError(`name: x\ncases:\n  - id: a\n    category: edit\n    input: ${COFFEE}\n    inputs: [${BRICK}]\n    prompt: Merge\n`);
    expectAt(both, 6, 5, 'cases[0].inputs');
    expect(both.problem).toBe('has both input and inputs');
    const list = await textError(`name: x\ncases:\n  - id: a\n    category: edit\n    input: [${COFFEE}, ${BRICK}]\n    prompt: Merge\n`);
    expectAt(list, 5, 5, 'cases[0].input');
    expect(list.hint).toBe('For several images write inputs: [a.png, b.png].');
  });

  it('a bad id and an empty prompt', async () => {
    const error = await textError(`name: x\ncases:\n  - id: has space\n    category: edit\n    input: ${COFFEE}\n    prompt: '  '\n`);
    expect(error.errors.map((e) => [e.line, e.column, e.field, e.problem])).toEqual([
      [3, 5, 'cases[0].id', '"has space" must be letters, digits, ".", "_" or "-" (at most 100)'],
      [6, 5, 'cases[0].prompt', 'must not be empty'],
    ]);
  });

  it('a value that came from an anchor is reported at the anchor', async () => {
    const error = await textError(
      `name: x\ndefaults: &shared { steps: 0 }\ncases:\n  - id: a\n    category: edit\n    input: ${COFFEE}\n    prompt: Remove the spoon\n    params:\n      <<: *shared\n      seed: 3\n`,
    );
    expect(error.errors.map((e) => [e.line, e.column, e.field])).toEqual([
      [2, 21, 'defaults.steps'],
      [2, 21, 'cases[0].params.steps'],
    ]);
  });
});

describe('parseSuiteText: the loaded model', () => {
  it('maps the file onto the shared Suite model: camelCase, absolute inputs, turns, params layers', async () => {
    const loaded = await parse(`name: mapped
description: what it is for
defaults: { seed: 42, steps: 30, true_cfg_scale: 4.0, size: 1024x1024 }
cases:
  - id: en-sign
    category: text-rendering
    title: A sign
    input: ${COFFEE}
    prompt: 'Add a chalkboard sign that reads "FRESH COFFEE"'
    negative_prompt: blurry
    params: { seed: 7, steps: 20, true_cfg_scale: 3.5, size: 768x512 }
    tags: [sign, english]
  - id: chain
    category: multi-turn
    inputs: [${BRICK}]
    turns:
      - prompt: Add a door
      - prompt: Mount a plaque that reads "NO. 42"
        negative_prompt: extra text
      - prompt: Make it night
        expected_text: [NO. 42]
  - id: poster
    category: generation
    prompt: A poster with “新年快乐” and "2025"
`);
    expect(loaded.file).toBe('inline.yaml');
    expect(loaded.baseDir).toBe(TESTDATA);
    expect(loaded.suite).toEqual({
      name: 'mapped',
      description: 'what it is for',
      defaults: { seed: 42, steps: 30, trueCfgScale: 4, size: '1024x1024' },
      cases: [
        {
          id: 'en-sign',
          category: 'text-rendering',
          title: 'A sign',
          inputs: [path.join(IMAGES, 'coffee.png')],
          turns: [{ prompt: 'Add a chalkboard sign that reads "FRESH COFFEE"', negativePrompt: 'blurry', expectedText: ['FRESH COFFEE'] }],
          params: { seed: 7, steps: 20, trueCfgScale: 3.5, size: '768x512' },
          tags: ['sign', 'english'],
        },
        {
          id: 'chain',
          category: 'multi-turn',
          inputs: [path.join(IMAGES, 'brick.png')],
          turns: [
            { prompt: 'Add a door', expectedText: [] },
            { prompt: 'Mount a plaque that reads "NO. 42"', negativePrompt: 'extra text', expectedText: ['NO. 42'] },
            { prompt: 'Make it night', expectedText: ['NO. 42'] },
          ],
          params: {},
          tags: [],
        },
        { id: 'poster', category: 'generation', inputs: [], turns: [{ prompt: 'A poster with “新年快乐” and "2025"', expectedText: ['新年快乐', '2025'] }], params: {}, tags: [] },
      ],
    });
    expect('title' in (loaded.suite.cases[1] ?? {})).toBe(false);
    expect([...loaded.inputs.entries()]).toEqual([
      [path.join(IMAGES, 'coffee.png'), { path: path.join(IMAGES, 'coffee.png'), width: 600, height: 400, format: 'png' }],
      [path.join(IMAGES, 'brick.png'), { path: path.join(IMAGES, 'brick.png'), width: 512, height: 512, format: 'png' }],
    ]);
  });

  it('expected_text defaults to each turn\'s quoted spans; an explicit list (even empty) wins', async () => {
    const loaded = await parse(`name: x
cases:
  - id: a
    category: edit
    input: ${COFFEE}
    prompt: Add "OPEN" and 「营业中」; don't touch the cup
  - id: b
    category: edit
    input: ${COFFEE}
    prompt: Add a sign that reads "OPEN"
    expected_text: []
`);
    expect(loaded.suite.cases.map((c) => c.turns[0]?.expectedText)).toEqual([['OPEN', '营业中'], []]);
  });

  it('source text: the previous turn\'s expected text when it differs, an explicit source_text (even empty) wins, else none', async () => {
    const loaded = await parse(`name: x
cases:
  - id: chain
    category: multi-turn
    input: ${COFFEE}
    turns:
      - prompt: Add a sign that reads "TODAY FLAT WHITE"
      - prompt: Make it a watercolor
        expected_text: [TODAY FLAT WHITE]
      - prompt: Change the sign to "TODAY MOCHA"
      - prompt: Make it night
      - prompt: Write "OPEN" on the door
        source_text: [CLOSED]
      - prompt: Change it to "CLOSED"
        source_text: []
  - id: single
    category: text-rendering
    input: ${COFFEE}
    prompt: Change the sign to "OPEN"
    source_text: [CLOSED]
  - id: first
    category: text-rendering
    input: ${COFFEE}
    prompt: Add a sign that reads "OPEN"
`);
    const sources = (i: number) => loaded.suite.cases[i]?.turns.map((t) => t.sourceText);
    // Turn 1 has no turn before it; turn 2 shows the same text as turn 1; turn 3 replaces it; turn 4 expects no
    // text (nothing to check); turn 5 says its own; turn 6 says "none" although turn 5 expected other text.
    expect(sources(0)).toEqual([undefined, undefined, ['TODAY FLAT WHITE'], undefined, ['CLOSED'], undefined]);
    expect(sources(1)).toEqual([['CLOSED']]);
    expect(sources(2)).toEqual([undefined]);
    expect(loaded.suite.cases[0]?.turns.every((t, i) => i === 2 || i === 4 || !('sourceText' in t))).toBe(true);
  });

  it('source_text: a list, per turn when the case has turns, not on a generation case\'s first turn', async () => {
    const text = await textError(`name: x\ncases:\n  - id: a\n    category: edit\n    input: ${COFFEE}\n    prompt: Change it to "OPEN"\n    source_text: CLOSED\n`);
    expectAt(text, 7, 5, 'cases[0].source_text');
    expect(text.hint).toBe('Write a list: source_text: [CLOSED].');
    const onCase = await textError(`name: x\ncases:\n  - id: a\n    category: multi-turn\n    input: ${BRICK}\n    source_text: [CLOSED]\n    turns:\n      - prompt: Add "CLOSED"\n      - prompt: Change it to "OPEN"\n`);
    expectAt(onCase, 6, 5, 'cases[0].source_text');
    expect(onCase.hint).toBe('Move source_text into the turns it applies to.');
    const generation = await textError(`name: x\ncases:\n  - id: a\n    category: generation\n    prompt: A poster with "OPEN"\n    source_text: [CLOSED]\n`);
    expectAt(generation, 6, 5, 'cases[0].source_text');
    expect(generation.problem).toMatch(/first turn of a generation case/);
  });

  it('keeps numbers written where text is meant as written (ids, expected text, tags)', async () => {
    const loaded = await parse(`name: 2025
cases:
  - id: 007
    category: text-rendering
    input: ${COFFEE}
    prompt: Add a plate with the number 0427
    expected_text: [0427, 3.10]
    tags: [2025, true]
`);
    expect(loaded.suite.name).toBe('2025');
    expect(loaded.suite.cases[0]?.id).toBe('007');
    expect(loaded.suite.cases[0]?.turns[0]?.expectedText).toEqual(['0427', '3.10']);
    expect(loaded.suite.cases[0]?.tags).toEqual(['2025', 'true']);
  });

  it('loadSuiteFile returns the absolute file and resolves inputs against its folder', async () => {
    const file = path.join(TESTDATA, '..', '..', '..', 'fixtures', 'suites', 'smoke.yaml');
    const loaded = await loadSuiteFile(path.relative(process.cwd(), file));
    expect(loaded.file).toBe(path.resolve(file));
    expect(loaded.baseDir).toBe(path.dirname(path.resolve(file)));
    for (const c of loaded.suite.cases) for (const input of c.inputs) expect(loaded.inputs.get(input)?.path).toBe(input);
  });

  it('names the file in messages as the caller gave it', async () => {
    const error = await rejection(parseSuiteText('name: x\n', { fileName: 'suites/mine.yaml', baseDir: TESTDATA }));
    expect(error.message).toBe('suites/mine.yaml:1:1: cases: missing. Add cases: with at least one case.');
    expect(error.describeAll()).toBe(error.message);
  });
});
