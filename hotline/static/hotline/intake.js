// The intake page by keyboard (issue 15): the phone field has focus on
// load; ↓ from it moves into the caller's earlier cases, ↑/↓ between
// them, Enter (or a click) fills in that case's name and address, Esc goes
// back to the phone field; Ctrl+Enter registers from any field. F2 (a key
// Chromium leaves to the page, and no input method takes) moves into the
// knowledge base articles that match the content, ↑/↓ between them, Enter
// answers with the one chosen and closes the case (N3), Esc goes back to
// the content. Without JavaScript the form still posts as it is.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("intake-form");
  const phone = document.getElementById("id_phone");
  const history = document.getElementById("caller");
  if (!form || !phone || !history) return;

  const picks = () => Array.from(history.querySelectorAll("[data-pick]"));

  phone.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" && picks().length) {
      event.preventDefault();
      picks()[0].focus();
    }
  });

  history.addEventListener("keydown", (event) => {
    const all = picks();
    const at = all.indexOf(document.activeElement);
    if (at < 0) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const next = at + (event.key === "ArrowDown" ? 1 : -1);
      (next < 0 ? phone : all[Math.min(next, all.length - 1)]).focus();
    } else if (event.key === "Escape") {
      phone.focus();
    }
  });

  history.addEventListener("click", (event) => {
    const pick = event.target.closest("[data-pick]");
    if (!pick) return;
    for (const [field, value] of [
      ["id_name", pick.dataset.name],
      ["id_address", pick.dataset.address],
      ["id_kind", pick.dataset.kind],
    ]) {
      const input = document.getElementById(field);
      if (input && value) input.value = value;
    }
    document.getElementById("id_content").focus();
  });

  form.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  const articles = document.getElementById("articles");
  const content = document.getElementById("id_content");
  if (!articles || !content) return;
  const answers = () => Array.from(articles.querySelectorAll("[data-answer]"));

  document.addEventListener("keydown", (event) => {
    if (event.key === "F2" && answers().length) {
      event.preventDefault();
      answers()[0].focus();
    }
  });

  articles.addEventListener("keydown", (event) => {
    const all = answers();
    const at = all.indexOf(document.activeElement);
    if (at < 0) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const next = at + (event.key === "ArrowDown" ? 1 : -1);
      all[Math.max(0, Math.min(next, all.length - 1))].focus();
    } else if (event.key === "Escape") {
      content.focus();
    }
  });
});
