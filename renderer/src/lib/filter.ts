/**
 * The pair filter: a token query in the style of Playwright's report filter (`s:failed @tag text`), parsed
 * into clauses that all must hold (AND). A comma inside one token's value ORs: `v:A_better,tie`.
 *
 *   v:A_better  verdict:none      newest verdict of the current reviewer (`none` = not reviewed)
 *   tag:text.missing  tag:text    taxonomy tags of that verdict or the suite case's own tags; `tag:text`
 *                                 and `tag:text.*` match the whole family
 *   cat:text-rendering  cat:text  suite category (a unique prefix is enough)
 *   status:error  status:A.error  pair status (error on either side wins), or one side's job status
 *   is:reviewed is:unreviewed is:identical is:mismatch is:tagged is:noted
 *   diff>0.5%  diff>1000px        A↔B changed pixels as a share or a count
 *   ssim<0.9  psnr>30  turn>1  repeat=2
 *   stage:denoise>20s  stage:A.denoise>2s  stage:e2e>5s  e2e>5s   (units ms, s, m; either side unless A./B.)
 *   mem>40GB  mem:B>50000MB       peak memory (bare numbers are MB)
 *   -tag:text.missing  !status:error                       negation
 *   free text, "quoted phrase"    case-insensitive match on key, case id, title, prompt, expected text
 *
 * Bad tokens are reported with their position and a sentence saying how to fix them, and are left out of
 * the match, so a half-typed query never empties the list.
 */
export * from './filter/clauses.ts';
export { filterPairs, matchesFilter } from './filter/evaluate.ts';
export { parseDuration, parseFilter } from './filter/parse.ts';
export { hasToken, toggleToken, tokenize } from './filter/tokens.ts';
