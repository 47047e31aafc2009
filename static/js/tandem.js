// Small progressive enhancements; every page works without this file.

document.addEventListener("DOMContentLoaded", () => {
  // Phone-width navigation: the menu folds behind a button that says whether it is open.
  const toggle = document.querySelector(".nav-toggle");
  const menu = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
  if (toggle && menu) {
    toggle.hidden = false;
    toggle.addEventListener("click", () => {
      const open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      menu.classList.toggle("open", open);
    });
  }
  setUpPersonPickers();
  // Close an open dropdown (organization switcher, account menu) with Escape.
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details.dropdown[open]").forEach((details) => {
      details.removeAttribute("open");
      details.querySelector("summary").focus();
    });
  });
});

// Person pickers (organizations/widgets/person_picker.html): htmx fetches suggestions as you
// type; this makes them choosable with the mouse or the arrow keys and Enter, and keeps the
// hidden id in step with the box. Typing again forgets the chosen id, so what is submitted is
// either a picked person or the text (an employee ID, email or name) the server resolves.
function setUpPersonPickers() {
  const parts = (element) => {
    const picker = element.closest("[data-person-picker]");
    return picker && {
      box: picker.querySelector("[data-picker-input]"),
      id: picker.querySelector('input[type="hidden"]'),
      results: picker.querySelector("[data-picker-results]"),
    };
  };
  const options = (p) => Array.from(p.results.querySelectorAll('[role="option"]'));
  const close = (p) => {
    p.results.replaceChildren();
    p.box.setAttribute("aria-expanded", "false");
    p.box.removeAttribute("aria-activedescendant");
  };
  const highlight = (p, option) => {
    options(p).forEach((o) => {
      o.classList.toggle("active", o === option);
      o.setAttribute("aria-selected", String(o === option));
    });
    if (option) {
      p.box.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    }
  };
  const choose = (p, option) => {
    p.id.value = option.dataset.id;
    p.box.value = option.dataset.label;
    htmx.trigger(p.box, "htmx:abort");
    close(p);
    p.box.focus();
  };

  // The suggestions endpoint reads `q`, whatever the form calls its box.
  document.addEventListener("htmx:configRequest", (event) => {
    const box = event.detail.elt;
    if (!box.matches || !box.matches("[data-picker-input]")) return;
    event.detail.parameters.q = box.value;
    delete event.detail.parameters[box.name];
  });
  document.addEventListener("htmx:afterSwap", (event) => {
    const p = parts(event.detail.target);
    if (!p || event.detail.target !== p.results) return;
    // A late answer after a choice, an emptied box or a box left behind opens nothing.
    if (p.id.value || !p.box.value.trim() || document.activeElement !== p.box) return close(p);
    options(p).forEach((option, i) => { option.id = `${p.results.id}-${i}`; });
    p.box.setAttribute("aria-expanded", String(options(p).length > 0));
  });
  document.addEventListener("input", (event) => {
    const p = event.target.matches("[data-picker-input]") && parts(event.target);
    if (!p) return;
    p.id.value = "";
    if (!p.box.value.trim()) close(p);
  });
  document.addEventListener("keydown", (event) => {
    const p = event.target.matches("[data-picker-input]") && parts(event.target);
    if (!p || !p.results.hasChildNodes()) return;
    const list = options(p);
    const current = list.findIndex((o) => o.classList.contains("active"));
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!list.length) return;
      const step = event.key === "ArrowDown" ? 1 : -1;
      highlight(p, list[(current + step + list.length) % list.length]);
    } else if (event.key === "Enter" && current >= 0) {
      event.preventDefault(); // choose, do not submit the form
      choose(p, list[current]);
    } else if (event.key === "Escape") {
      event.stopPropagation();
      close(p);
    }
  });
  // mousedown, not click: it comes before the box loses focus.
  document.addEventListener("mousedown", (event) => {
    const option = event.target.closest && event.target.closest('[data-picker-results] [role="option"]');
    if (!option) return;
    event.preventDefault();
    choose(parts(option), option);
  });
  document.addEventListener("focusout", (event) => {
    const p = event.target.matches("[data-picker-input]") && parts(event.target);
    if (p) setTimeout(() => { if (document.activeElement !== p.box) close(p); }, 150);
  });
}
