/* The co-signer picker: turns the plain "names or card numbers" field into a search-as-you-type
   list (the WAI-ARIA combobox pattern). Keyboard: type, ↓/↑ to move, Enter to choose, Esc to close;
   each chosen deputy has a remove button. Without this script the field is typed by hand and the
   server resolves the names. The field keeps the submitted value: chosen deputies as
   "name（card number）", separated by 、. */
(function () {
  "use strict";

  var SEPARATORS = /[、,，;；\n\r]+/;

  function enhance(field, index) {
    var form = field.form;
    var url = field.getAttribute("data-search-url");
    if (!form || !url) { return; }
    var texts = {
      remove: field.getAttribute("data-text-remove") || "Remove",
      none: field.getAttribute("data-text-none") || "No deputy found",
      count: field.getAttribute("data-text-count") || "{count}",
      chosen: field.getAttribute("data-text-chosen") || "Chosen"
    };
    var chosen = field.value.split(SEPARATORS).map(function (t) { return t.trim(); })
      .filter(function (t) { return t; });

    var box = document.createElement("div");
    box.className = "picker";
    var list = document.createElement("ul");
    list.className = "picker-chosen";
    list.setAttribute("aria-label", texts.chosen);
    var input = document.createElement("input");
    input.type = "text";
    input.id = field.id + "_search";
    input.className = "picker-input";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("autocomplete", "off");
    var listboxId = field.id + "_options";
    input.setAttribute("aria-controls", listboxId);
    var described = field.getAttribute("aria-describedby");
    if (described) { input.setAttribute("aria-describedby", described); }
    var options = document.createElement("ul");
    options.id = listboxId;
    options.className = "picker-options";
    options.setAttribute("role", "listbox");
    options.hidden = true;
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.id = field.id + "_status_" + index;

    var label = document.querySelector('label[for="' + field.id + '"]');
    if (label) {
      label.htmlFor = input.id;
      options.setAttribute("aria-label", label.textContent.trim());
    }
    box.appendChild(list);
    box.appendChild(input);
    box.appendChild(options);
    box.appendChild(status);
    field.parentNode.insertBefore(box, field);
    field.hidden = true;

    var results = [];
    var active = -1;
    var timer = null;
    var request = 0;

    function sync() {
      field.value = chosen.join("、");
    }

    function drawChosen() {
      list.textContent = "";
      chosen.forEach(function (value, i) {
        var item = document.createElement("li");
        var text = document.createElement("span");
        text.textContent = value;
        var button = document.createElement("button");
        button.type = "button";
        button.className = "picker-remove";
        button.textContent = "×";
        button.setAttribute("aria-label", texts.remove + " " + value);
        button.addEventListener("click", function () {
          chosen.splice(i, 1);
          sync();
          drawChosen();
          input.focus();
        });
        item.appendChild(text);
        item.appendChild(button);
        list.appendChild(item);
      });
      list.hidden = chosen.length === 0;
    }

    function close() {
      options.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(next) {
      var items = options.querySelectorAll("[role=option]");
      if (!items.length) { return; }
      active = (next + items.length) % items.length;
      items.forEach(function (item, i) {
        item.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    }

    function choose(i) {
      var deputy = results[i];
      if (!deputy) { return; }
      if (chosen.indexOf(deputy.value) === -1) { chosen.push(deputy.value); }
      sync();
      drawChosen();
      input.value = "";
      close();
      status.textContent = deputy.value;
      input.focus();
    }

    function draw() {
      options.textContent = "";
      results.forEach(function (deputy, i) {
        var item = document.createElement("li");
        item.id = listboxId + "_" + i;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        var name = document.createElement("strong");
        name.textContent = deputy.name;
        var meta = document.createElement("span");
        meta.className = "meta";
        meta.textContent = " " + deputy.card_number + " · " + deputy.delegation;
        item.appendChild(name);
        item.appendChild(meta);
        item.addEventListener("mousedown", function (event) { event.preventDefault(); });
        item.addEventListener("click", function () { choose(i); });
        options.appendChild(item);
      });
      if (!results.length) {
        var none = document.createElement("li");
        none.className = "picker-none";
        none.textContent = texts.none;
        options.appendChild(none);
      }
      options.hidden = false;
      input.setAttribute("aria-expanded", "true");
      status.textContent = results.length ? texts.count.replace("{count}", results.length) : texts.none;
      active = -1;
    }

    function search() {
      var query = input.value.trim();
      if (!query) { results = []; close(); return; }
      var mine = ++request;
      var sep = url.indexOf("?") === -1 ? "?" : "&";
      fetch(url + sep + "q=" + encodeURIComponent(query), {
        credentials: "same-origin",
        headers: { "Accept": "application/json" }
      }).then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      }).then(function (data) {
        if (mine !== request) { return; }
        results = data.results || [];
        draw();
      }).catch(function () {
        close();
      });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(search, 200);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (options.hidden) { search(); } else { highlight(active + 1); }
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight(active - 1);
      } else if (event.key === "Enter") {
        if (!options.hidden && active >= 0) {
          event.preventDefault();
          choose(active);
        } else if (!options.hidden && results.length === 1) {
          event.preventDefault();
          choose(0);
        }
      } else if (event.key === "Escape") {
        close();
      } else if (event.key === "Backspace" && !input.value && chosen.length) {
        chosen.pop();
        sync();
        drawChosen();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
    form.addEventListener("submit", function () {
      // Text typed but not chosen goes to the server, which says what it does not know.
      var typed = input.value.trim();
      if (typed) { chosen.push(typed); sync(); }
    });
    drawChosen();
  }

  document.querySelectorAll("textarea[data-cosigner-picker]").forEach(enhance);
})();
