export { normaliseText, readRenderedPdf } from './ocr.js';
