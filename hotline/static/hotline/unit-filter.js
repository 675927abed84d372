// Adds a "type to filter" box above every <select data-filter>: the unit
// lists are long (a bureau dispatches to dozens of units). Without
// JavaScript the plain select still works.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("select[data-filter]").forEach((select) => {
    const box = document.createElement("input");
    box.type = "search";
    box.placeholder = select.dataset.filter;
    box.setAttribute("aria-label", select.dataset.filter);
    box.className = "unit-filter";
    box.addEventListener("input", () => {
      const words = box.value.trim();
      for (const option of select.options) {
        option.hidden = words !== "" && option.value !== "" && !option.text.includes(words);
      }
    });
    select.before(box);
  });
});
