// Small improvements; every page works without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  // Changing the sort order submits at once.
  document.querySelectorAll("form.sort select").forEach((select) => {
    select.addEventListener("change", () => select.form.submit());
  });
  // "/" focuses the search box, as on many search sites.
  const box = document.querySelector(".search input[type=search]");
  document.addEventListener("keydown", (e) => {
    if (e.key === "/" && document.activeElement !== box && box) {
      e.preventDefault();
      box.focus();
      box.select();
    }
  });
});
