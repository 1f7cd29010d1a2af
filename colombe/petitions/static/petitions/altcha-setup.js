// The ALTCHA widget's "external" build ships no proof-of-work worker, so that none is made
// from a blob: URL (our Content-Security-Policy allows scripts and workers from our own
// origin only). Register the SHA-256 worker served with our static files; its address is
// on the widget element, so this file needs no template.
const widget = document.querySelector("altcha-widget[data-worker]");
if (widget && globalThis.$altcha) {
  const workerUrl = widget.dataset.worker;
  globalThis.$altcha.algorithms.set("SHA-256", () => new Worker(workerUrl));
}
