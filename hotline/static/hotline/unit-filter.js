// The unit picker (issue 15). Adds a "type to filter" box above every
// <select data-filter>: the unit lists are long (a bureau dispatches to
// dozens of units). What is typed is matched against each option's
// data-search (name, short names, their initials and pinyin, lower case),
// so 城管 and cg both find 福州市城市管理委员会. The suggested units of a
// category become one-click buttons. Without JavaScript the plain select
// still works.
document.addEventListener("DOMContentLoaded", () => {
  // As hotline/organisation/naming.py matches(): a pinyin term
  // (syllables apart: chang'le'qu) is matched from the start of a syllable,
  // any other term anywhere.
  const inTerm = (word, term) => {
    if (!term.includes("'")) return term.includes(word);
    const syllables = term.split("'");
    return syllables.some((_, i) => syllables.slice(i).join("").startsWith(word));
  };
  const finds = (option, words) => {
    const terms = (option.dataset.search || option.text.toLowerCase()).split(" ");
    return words.every((word) => terms.some((term) => inTerm(word, term)));
  };
  document.querySelectorAll("select[data-filter]").forEach((select) => {
    const box = document.createElement("input");
    box.type = "search";
    box.placeholder = select.dataset.filter;
    box.setAttribute("aria-label", select.dataset.filter);
    box.className = "unit-filter";
    box.addEventListener("input", () => {
      const words = box.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      let first = null;
      for (const option of select.options) {
        const found = option.value !== "" && finds(option, words);
        option.hidden = !(found || option.value === "" || option.selected);
        if (found && first === null) first = option;
      }
      // A single-choice list follows the first match, so that typing and
      // sending is enough.
      if (!select.multiple && words.length && first && !first.selected) {
        select.value = first.value;
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
    select.before(box);
  });
  document.querySelectorAll("button[data-pick]").forEach((button) => {
    const select = document.getElementById(button.dataset.pickFor);
    if (!select) return;
    button.hidden = false;
    button.addEventListener("click", () => {
      const mode = document.getElementById(button.dataset.pickMode);
      if (mode && mode.value === "district") mode.value = "sole";
      select.value = button.dataset.pick;
      select.dispatchEvent(new Event("change", { bubbles: true }));
      document.querySelectorAll(`button[data-pick-for="${button.dataset.pickFor}"]`)
        .forEach((b) => b.setAttribute("aria-pressed", String(b === button)));
    });
    button.setAttribute("aria-pressed", String(select.value === button.dataset.pick));
  });
  // The dispatch catalogue's choices (N5) fill the first part's plan in
  // place; without JavaScript each is a link that reloads the form filled.
  document.querySelectorAll("a[data-plan]").forEach((choice) => {
    choice.addEventListener("click", (event) => {
      const prefix = choice.dataset.plan;
      const field = (name) => document.getElementById(`${prefix}-${name}`);
      if (!field("mode")) return;
      event.preventDefault();
      const set = (select, values) => {
        if (!select) return;
        for (const option of select.options) option.selected = values.includes(option.value);
        select.dispatchEvent(new Event("change", { bubbles: true }));
      };
      field("mode").value = choice.dataset.mode;
      field("mode").dispatchEvent(new Event("change", { bubbles: true }));
      set(field("unit"), [choice.dataset.unit]);
      set(field("co"), choice.dataset.co.split(" ").filter(Boolean));
      set(field("district_bureau"), [choice.dataset.district]);
      document.querySelectorAll("a[data-plan]")
        .forEach((c) => c.setAttribute("aria-pressed", String(c === choice)));
    });
  });
  // The location names a district: warn as soon as a unit of another one
  // is chosen (the server warns again before sending).
  document.querySelectorAll("[data-district-warning]").forEach((warning) => {
    const named = warning.dataset.districtWarning.split(" ");
    const form = warning.closest("form");
    const check = () => {
      const elsewhere = [...form.querySelectorAll("select[data-filter]")].some((select) =>
        [...select.selectedOptions].some(
          (o) => o.dataset.district && !named.includes(o.dataset.district),
        ),
      );
      warning.hidden = !elsewhere;
    };
    form.addEventListener("change", check);
    check();
  });
});
