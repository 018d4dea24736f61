/* The case file's destructive actions (不予受理, 退回, 改派, 被反映) ask before they are sent: a form
   marked data-confirm="<dialog id>" opens its <dialog> (the case's number and what will happen,
   written by the server from core/words) and is sent only by its 确认… button; 取消 or Esc sends
   nothing and gives the focus back to the form's button. A form with a required field left empty
   is sent unasked: the server refuses it beside the field and nothing happens. Without this script
   the forms are sent as they are. */
"use strict";
document.addEventListener("submit", function (event) {
  var form = event.target;
  var id = form.getAttribute("data-confirm");
  var dialog = id && document.getElementById(id);
  if (!dialog || typeof dialog.showModal !== "function") return;
  var empty = Array.prototype.some.call(form.querySelectorAll("[aria-required=true]"), function (f) {
    return !f.value.trim();
  });
  if (empty) return;
  event.preventDefault();
  dialog.showModal();
});
document.addEventListener("click", function (event) {
  var ok = event.target.closest("dialog.confirm button[value=ok]");
  if (!ok) return;
  var dialog = ok.closest("dialog");
  var form = document.querySelector("form[data-confirm='" + dialog.id + "']");
  event.preventDefault();
  dialog.close("ok");
  form.submit();   // at once, in the click: the page is leaving (no submit event: not asked twice)
});
document.addEventListener("close", function (event) {
  var dialog = event.target;
  if (!dialog.matches || !dialog.matches("dialog.confirm") || dialog.returnValue === "ok") return;
  var form = document.querySelector("form[data-confirm='" + dialog.id + "']");
  if (form) form.querySelector("button[type=submit]").focus();
}, true);
