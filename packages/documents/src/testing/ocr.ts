import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const INSTALL = 'apt-get install -y poppler-utils tesseract-ocr tesseract-ocr-fra';

/**
 * Runs one of the OCR tools; a missing tool fails with what to install (the tests using it must fail, never skip,
 * on a machine without them).
 */
async function tool(command: string, args: readonly string[]): Promise<string> {
  try {
    // One thread: the OCR runs beside the broker and other tests on a small shared machine.
    const { stdout } = await run(command, args, {
      env: { ...process.env, OMP_THREAD_LIMIT: '1' },
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error(`${command} is not installed: the PDF rendering check needs it (Debian: ${INSTALL})`);
    throw error;
  }
}

/** Tesseract's French model: without it, accented words come back mangled and the checks would fail obscurely. */
async function requireFrench(): Promise<void> {
  const languages = await tool('tesseract', ['--list-langs']);
  if (!languages.split(/\s+/).includes('fra'))
    throw new Error(`tesseract has no French model (fra): the PDF rendering check needs it (Debian: ${INSTALL})`);
}

/**
 * What a reader sees on a PDF: each page rasterised to PNG by poppler's `pdftoppm`, then read back by `tesseract`
 * (French). Checks that a document really renders — fonts, encoding, layout — which parsing its text operators
 * (`inspectPdf`) cannot. One string per page. OCR is fuzzy: compare through `normaliseText` and on a few robust
 * words and numbers.
 */
export async function readRenderedPdf(pdf: Uint8Array, { resolution = 200 } = {}): Promise<string[]> {
  await requireFrench();
  const dir = await mkdtemp(join(tmpdir(), 'passerelle-ocr-'));
  try {
    await writeFile(join(dir, 'document.pdf'), pdf);
    await tool('pdftoppm', ['-r', String(resolution), '-png', join(dir, 'document.pdf'), join(dir, 'page')]);
    // pdftoppm numbers pages with as many digits as the last one needs, so names sort in page order.
    const pages = (await readdir(dir)).filter((name) => name.startsWith('page') && name.endsWith('.png')).sort();
    if (pages.length === 0) throw new Error('pdftoppm rendered no page');
    const texts: string[] = [];
    for (const page of pages) texts.push(await tool('tesseract', [join(dir, page), 'stdout', '-l', 'fra']));
    return texts;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Lower case, no accents, typographic quotes and dashes made plain, whitespace collapsed: OCR text compares. */
export function normaliseText(text: string): string {
  return text
    .normalize('NFD')
    .replaceAll(/\p{Diacritic}/gu, '')
    .replaceAll(/[’‘`´]/g, "'")
    .replaceAll(/[–—]/g, '-')
    .toLowerCase()
    .replaceAll(/\s+/g, ' ')
    .trim();
}
