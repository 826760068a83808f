// Progressive enhancement only: every region is a real checkbox, so the page works without this.
// Tapping a region in the drawing toggles its checkbox; the drawing shows what is ticked.
(function () {
  document.querySelectorAll("[data-bodymap]").forEach(function (map) {
    var name = map.getAttribute("data-bodymap");
    function box(region) { return map.querySelector('input[name="' + name + '"][value="' + region + '"]'); }
    function paint() {
      map.querySelectorAll(".region").forEach(function (shape) {
        var input = box(shape.getAttribute("data-region"));
        shape.classList.toggle("selected", !!(input && input.checked));
      });
    }
    map.querySelectorAll(".region").forEach(function (shape) {
      shape.addEventListener("click", function () {
        var input = box(shape.getAttribute("data-region"));
        if (input) { input.checked = !input.checked; paint(); }
      });
    });
    map.addEventListener("change", paint);
    paint();
  });
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
