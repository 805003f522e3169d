// Share a page: the Web Share dialog where the browser has one, else the link copied;
// without script the "Partager" link is the page's own address. Printing: every
// <details> is opened for the printer (and closed again after), so that a printed
// plan holds every element, not only the open branches.
document.querySelectorAll("a[data-share]").forEach((link) => {
  const status = link.parentElement.querySelector(".share-status");
  link.addEventListener("click", async (event) => {
    const url = link.href;
    if (navigator.share) {
      event.preventDefault();
      try {
        await navigator.share({ title: link.dataset.title, url });
      } catch (error) {
        // dismissed by the visitor: nothing to do
      }
      return;
    }
    if (navigator.clipboard && window.isSecureContext) {
      event.preventDefault();
      try {
        await navigator.clipboard.writeText(url);
        if (status) status.textContent = link.dataset.copied;
      } catch (error) {
        window.location.href = url;
      }
    }
  });
});

document.querySelectorAll("button[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});

let openedForPrint = [];
function openForPrint() {
  document.querySelectorAll("details:not([open]):not(.all-properties)").forEach((details) => {
    details.open = true;
    openedForPrint.push(details);
  });
}
function closeAfterPrint() {
  openedForPrint.forEach((details) => { details.open = false; });
  openedForPrint = [];
}
window.addEventListener("beforeprint", openForPrint);
window.addEventListener("afterprint", closeAfterPrint);
const printing = window.matchMedia("print");
printing.addEventListener("change", (event) => {
  if (event.matches) openForPrint(); else closeAfterPrint();
});

// A static export's page does not know its address: the printed footer says where it was read.
document.querySelectorAll("[data-page-address]").forEach((span) => {
  if (!span.textContent) span.textContent = window.location.href.split("#")[0];
});
