// Ballots: a member votes once, often from a phone on a slow connection. Ask for an answer on every
// nomination before sending, and send only once (a second tap would be refused by the server anyway).
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.classList || !form.classList.contains("js-once") || event.defaultPrevented) {
    return;
  }
  var missing = Array.prototype.filter.call(form.querySelectorAll("fieldset.ballot-item"), function (set) {
    return !set.querySelector("input[type=radio]:checked");
  });
  missing.forEach(function (set) { set.classList.add("border-danger"); });
  if (missing.length) {
    event.preventDefault();
    missing[0].scrollIntoView({ block: "center" });
    return;
  }
  Array.prototype.forEach.call(form.querySelectorAll("button[type=submit], input[type=submit]"), function (button) {
    window.setTimeout(function () { button.disabled = true; }, 0);
  });
});
