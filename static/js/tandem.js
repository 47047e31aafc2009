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
  // Close an open dropdown (organization switcher, account menu) with Escape.
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details.dropdown[open]").forEach((details) => {
      details.removeAttribute("open");
      details.querySelector("summary").focus();
    });
  });
});
