// 全选本页: the list's header box ticks or clears every case of the page (bot/templates/console/cases.html)
document.addEventListener("DOMContentLoaded", function () {
  var all = document.getElementById("bulk-all");
  if (!all) return;
  var boxes = document.querySelectorAll('#bulk input[name="no"]');
  all.addEventListener("change", function () {
    boxes.forEach(function (b) { b.checked = all.checked; });
  });
});
