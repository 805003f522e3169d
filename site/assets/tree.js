// "Expand all" / "Collapse all" for a plan's tree of <details>; without script the
// tree still opens element by element, so the buttons stay hidden until this runs.
document.querySelectorAll("[data-tree-controls]").forEach((controls) => {
  const section = controls.closest("section");
  controls.hidden = false;
  controls.querySelectorAll("button[data-expand]").forEach((button) => {
    button.addEventListener("click", () => {
      const open = button.dataset.expand === "all";
      section.querySelectorAll("details").forEach((details) => { details.open = open; });
    });
  });
});
