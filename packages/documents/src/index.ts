export { inspectPdf, type PdfSummary } from './inspect-pdf.js';
export { type DocumentBlock, type DocumentSpec, renderPdf } from './render-pdf.js';
