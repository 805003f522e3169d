// A source document's page, opened at "#L12-L15" (where "Lire dans le document" leads):
// the lines of the range are highlighted, the first one is shown with a few lines of
// context above it (CSS scroll-margin). Without script, the first line of the range is
// highlighted by CSS (:target) and scrolled to all the same.
(() => {
  const lines = document.querySelector("[data-source-lines]");
  if (!lines) return;
  function highlight() {
    lines.querySelectorAll("li.quoted").forEach((li) => {
      li.classList.remove("quoted");
      li.removeAttribute("aria-current");
    });
    const match = /^#L(\d+)(?:-L(\d+))?$/.exec(window.location.hash);
    if (!match) return;
    const start = Number(match[1]);
    const end = match[2] ? Number(match[2]) : start;
    for (let n = start; n <= end && n - start < 10000; n += 1) {
      const li = document.getElementById("L" + n);
      if (!li) break;
      li.classList.add("quoted");
      if (n === start) li.setAttribute("aria-current", "location");
    }
    const first = document.getElementById("L" + start);
    if (first && !document.getElementById(window.location.hash.slice(1))) {
      first.scrollIntoView();  // a range no anchor names: scroll to its first line
    }
  }
  window.addEventListener("hashchange", highlight);
  highlight();
})();
