/* Nordhaus Home demo shop: cart in localStorage, cart page, checkout steps.
 *
 * Elements carry data-hovor-* attributes that a tracker can read without any
 * code in this file:
 *   data-hovor-product='{"id","name","category","price"}'   product page container
 *   data-hovor-cart-item='{"id","name","category","price","quantity"}'  cart rows
 *   data-hovor-cart='{"items","total","currency"}'           cart summary
 *   data-hovor-checkout-step="address|payment|review"        the visible step
 *   data-hovor-payment-method="card|paypal|invoice|bank"     payment options
 *   data-hovor-error="login.failed|coupon.failed"            shown on failure
 *   data-hovor-order='{"id","total","currency"}'             order confirmation
 *   data-hovor-track="cart.add" data-hovor-props='{"id",…,"quantity"}'  add-to-cart buttons
 *       (the tracker sends a click on it as that event; the quantity is kept in step below)
 *   data-hovor-props='{"code"}' on the coupon error              props of coupon.failed
 */
(function () {
  "use strict";

  var CATALOG = {
    "fridge-coolmax": { id: "fridge-coolmax", name: "CoolMax 300", category: "fridges", price: 899, url: "fridge-coolmax.html" },
    "fridge-frostline": { id: "fridge-frostline", name: "FrostLine Pro 500", category: "fridges", price: 1249, url: "fridge-frostline.html" },
    "tv-vistaview": { id: "tv-vistaview", name: 'VistaView 75" OLED', category: "tvs", price: 2499, url: "tv-vistaview.html" },
    "kettle-brewmate": { id: "kettle-brewmate", name: "BrewMate Kettle 1.7 L", category: "small-appliances", price: 39, url: "kettle-brewmate.html" },
  };
  var CART_KEY = "nordhaus:cart";
  var CHECKOUT_KEY = "nordhaus:checkout";
  var FREE_SHIPPING_FROM = 500;
  var SHIPPING = 9.9;
  var COUPONS = { WELCOME10: 0.1 };

  function $(selector, root) {
    return (root || document).querySelector(selector);
  }
  function $all(selector, root) {
    return Array.prototype.slice.call((root || document).querySelectorAll(selector));
  }
  function money(value) {
    return "€" + value.toLocaleString("en-IE", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      node.setAttribute(name, attrs[name]);
    });
    if (text != null) node.textContent = text;
    return node;
  }

  /* ---------- cart ---------- */

  function readCart() {
    try {
      var items = JSON.parse(localStorage.getItem(CART_KEY) || "[]");
      return Array.isArray(items)
        ? items.filter(function (i) {
            return i && CATALOG[i.id] && i.quantity > 0;
          })
        : [];
    } catch (e) {
      return [];
    }
  }
  function writeCart(items) {
    localStorage.setItem(CART_KEY, JSON.stringify(items));
    updateCartCount();
  }
  function addToCart(id, quantity) {
    var items = readCart();
    var line = items.filter(function (i) {
      return i.id === id;
    })[0];
    if (line) line.quantity += quantity;
    else items.push({ id: id, quantity: quantity });
    writeCart(items);
  }
  function setQuantity(id, quantity) {
    writeCart(
      readCart()
        .map(function (i) {
          return i.id === id ? { id: id, quantity: quantity } : i;
        })
        .filter(function (i) {
          return i.quantity > 0;
        }),
    );
  }
  function totals(items, discountRate) {
    var subtotal = items.reduce(function (sum, i) {
      return sum + CATALOG[i.id].price * i.quantity;
    }, 0);
    var discount = Math.round(subtotal * (discountRate || 0) * 100) / 100;
    var shipping = subtotal === 0 || subtotal >= FREE_SHIPPING_FROM ? 0 : SHIPPING;
    return { subtotal: subtotal, discount: discount, shipping: shipping, total: subtotal - discount + shipping };
  }
  function updateCartCount() {
    var count = readCart().reduce(function (n, i) {
      return n + i.quantity;
    }, 0);
    $all("[data-testid=cart-count]").forEach(function (node) {
      node.textContent = String(count);
    });
  }

  var toastTimer;
  function toast(text) {
    var node = $(".toast") || document.body.appendChild(el("div", { class: "toast", role: "status" }));
    node.textContent = text;
    node.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () {
      node.hidden = true;
    }, 2500);
  }

  /* ---------- product list and product pages ---------- */

  function initAddButtons() {
    // The add-to-cart button's tracker props follow the quantity field.
    var qtyField = $("[data-testid=quantity]");
    var addButton = $("[data-testid=add-to-cart]");
    if (qtyField && addButton) {
      qtyField.addEventListener("input", function () {
        var id = addButton.getAttribute("data-product-id");
        var p = CATALOG[id];
        var quantity = Math.max(1, parseInt(qtyField.value, 10) || 1);
        addButton.setAttribute(
          "data-hovor-props",
          JSON.stringify({ id: p.id, name: p.name, category: p.category, price: p.price, quantity: quantity }),
        );
      });
    }
    $all("[data-testid=add-to-cart], [data-testid=quick-add]").forEach(function (button) {
      button.addEventListener("click", function () {
        var id = button.getAttribute("data-product-id");
        var qty = $("[data-testid=quantity]");
        var quantity = qty && button.getAttribute("data-testid") === "add-to-cart" ? parseInt(qty.value, 10) || 1 : 1;
        addToCart(id, quantity);
        toast(CATALOG[id].name + " added to your cart");
      });
    });
  }

  function initFilters() {
    var chips = $all("[data-filter]");
    chips.forEach(function (chip) {
      chip.addEventListener("click", function () {
        var category = chip.getAttribute("data-filter");
        chips.forEach(function (c) {
          c.setAttribute("aria-pressed", String(c === chip));
        });
        $all("[data-category]").forEach(function (card) {
          card.hidden = category !== "all" && card.getAttribute("data-category") !== category;
        });
      });
    });
    function fromHash() {
      var chip = $("[data-filter='" + location.hash.slice(1) + "']");
      if (chip) chip.click();
    }
    if (chips.length) {
      fromHash();
      window.addEventListener("hashchange", fromHash);
    }
  }

  /* ---------- cart page ---------- */

  function renderCart() {
    var body = $("[data-testid=cart-rows]");
    if (!body) return;
    var items = readCart();
    var t = totals(items);
    body.replaceChildren();
    items.forEach(function (line) {
      var p = CATALOG[line.id];
      var row = el("tr", {
        "data-testid": "cart-item",
        "data-product-id": p.id,
        "data-hovor-cart-item": JSON.stringify({ id: p.id, name: p.name, category: p.category, price: p.price, quantity: line.quantity }),
      });
      var name = el("td");
      name.appendChild(el("a", { href: p.url }, p.name));
      var qtyCell = el("td");
      var qty = el("input", { type: "number", min: "1", max: "20", value: String(line.quantity), "aria-label": "Quantity of " + p.name, "data-testid": "item-qty" });
      qty.addEventListener("change", function () {
        setQuantity(p.id, Math.max(1, Math.min(20, parseInt(qty.value, 10) || 1)));
        renderCart();
      });
      qtyCell.appendChild(qty);
      var remove = el("button", { type: "button", class: "btn-link", "data-testid": "remove-item", "aria-label": "Remove " + p.name }, "Remove");
      remove.addEventListener("click", function () {
        setQuantity(p.id, 0);
        renderCart();
      });
      var removeCell = el("td", { class: "num" });
      removeCell.appendChild(remove);
      row.append(name, el("td", { class: "num" }, money(p.price)), qtyCell, el("td", { class: "num" }, money(p.price * line.quantity)), removeCell);
      body.appendChild(row);
    });
    $("[data-testid=cart-empty]").hidden = items.length > 0;
    $("[data-testid=cart-filled]").hidden = items.length === 0;
    $("[data-testid=cart-subtotal]").textContent = money(t.subtotal);
    $("[data-testid=cart-shipping]").textContent = t.shipping ? money(t.shipping) : "Free";
    $("[data-testid=cart-total]").textContent = money(t.total);
    $("[data-testid=cart-summary]").setAttribute(
      "data-hovor-cart",
      JSON.stringify({ items: items.length, total: t.total, currency: "EUR" }),
    );
  }

  /* ---------- checkout ---------- */

  function initCheckout() {
    var root = $("[data-testid=checkout]");
    if (!root) return;
    var steps = ["address", "payment", "review"];
    var state;
    try {
      state = JSON.parse(sessionStorage.getItem(CHECKOUT_KEY) || "{}");
    } catch (e) {
      state = {};
    }
    state.step = steps.indexOf(state.step) >= 0 ? state.step : "address";
    function save() {
      sessionStorage.setItem(CHECKOUT_KEY, JSON.stringify(state));
    }

    if (readCart().length === 0 && !$("[data-testid=order-complete]:not([hidden])")) {
      $("[data-testid=checkout-empty]").hidden = false;
      $("[data-testid=checkout-flow]").hidden = true;
      return;
    }

    function summary() {
      var items = readCart();
      var t = totals(items, state.coupon ? COUPONS[state.coupon] : 0);
      $("[data-testid=summary-subtotal]").textContent = money(t.subtotal);
      $("[data-testid=summary-discount]").textContent = t.discount ? "−" + money(t.discount) : "—";
      $("[data-testid=summary-shipping]").textContent = t.shipping ? money(t.shipping) : "Free";
      $("[data-testid=summary-total]").textContent = money(t.total);
      var list = $("[data-testid=review-items]");
      list.replaceChildren();
      items.forEach(function (line) {
        var p = CATALOG[line.id];
        var li = el("li");
        li.append(el("span", null, line.quantity + " × " + p.name), el("span", null, money(p.price * line.quantity)));
        list.appendChild(li);
      });
      return t;
    }

    function show(step) {
      state.step = step;
      save();
      $all("[data-hovor-checkout-step]").forEach(function (section) {
        section.hidden = section.getAttribute("data-hovor-checkout-step") !== step;
      });
      $all("[data-step-label]").forEach(function (li) {
        var i = steps.indexOf(li.getAttribute("data-step-label"));
        if (li.getAttribute("data-step-label") === step) li.setAttribute("aria-current", "step");
        else li.removeAttribute("aria-current");
        li.classList.toggle("done", i < steps.indexOf(step));
      });
      $("[data-testid=back-to-cart]").hidden = step !== "address";
      $("[data-testid=checkout-back]").hidden = step === "address";
      $("[data-testid=checkout-next]").hidden = step === "review";
      $("[data-testid=checkout-next]").textContent = step === "address" ? "Continue to payment" : "Continue to review";
      $("[data-testid=place-order]").hidden = step !== "review";
      if (step === "review") {
        var a = state.address || {};
        $("[data-testid=review-address]").textContent = [a.name, a.street, (a.zip || "") + " " + (a.city || "")].join(", ");
        var method = $("[data-hovor-payment-method='" + state.payment + "']");
        $("[data-testid=review-payment]").textContent = method ? method.getAttribute("data-label") : "";
      }
      summary();
      window.scrollTo(0, 0);
    }

    // Step 1: optional login (fake: only the password "demo" works) and address.
    var login = $("[data-testid=login-form]");
    login.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var error = $("[data-testid=login-error]");
      var ok = $("[data-testid=login-ok]");
      var email = $("#login-email").value.trim();
      if ($("#login-password").value === "demo") {
        error.hidden = true;
        ok.hidden = false;
        ok.textContent = "Welcome back, " + (email || "demo customer") + "!";
        if (!$("#address-name").value) $("#address-name").value = "Demo Customer";
      } else {
        ok.hidden = true;
        error.hidden = false;
        error.setAttribute("data-hovor-error-count", String(Number(error.getAttribute("data-hovor-error-count") || 0) + 1));
      }
    });

    var address = $("[data-testid=address-form]");
    ["name", "street", "zip", "city", "email"].forEach(function (field) {
      var input = $("#address-" + field);
      if (state.address && state.address[field]) input.value = state.address[field];
    });
    function submitAddress() {
      if (!address.reportValidity()) return;
      state.address = {};
      ["name", "street", "zip", "city", "email"].forEach(function (field) {
        state.address[field] = $("#address-" + field).value.trim();
      });
      show("payment");
    }
    address.addEventListener("submit", function (ev) {
      ev.preventDefault();
      submitAddress();
    });

    // Step 2: payment method.
    var payment = $("[data-testid=payment-form]");
    if (state.payment) {
      var checked = $("input[value='" + state.payment + "']", payment);
      if (checked) checked.checked = true;
    }
    function submitPayment() {
      var choice = $("input[name=payment]:checked", payment);
      var error = $("[data-testid=payment-error]");
      if (!choice) {
        error.hidden = false;
        return;
      }
      error.hidden = true;
      state.payment = choice.value;
      show("review");
    }
    payment.addEventListener("submit", function (ev) {
      ev.preventDefault();
      submitPayment();
    });
    $("[data-testid=checkout-next]").addEventListener("click", function () {
      if (state.step === "address") submitAddress();
      else if (state.step === "payment") submitPayment();
    });

    // Step 3: coupon, terms, place order.
    var couponForm = $("[data-testid=coupon-form]");
    var couponInput = $("[data-testid=coupon-input]");
    if (state.coupon) couponInput.value = state.coupon;
    couponForm.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var code = couponInput.value.trim().toUpperCase();
      var error = $("[data-testid=coupon-error]");
      var ok = $("[data-testid=coupon-ok]");
      if (COUPONS[code]) {
        state.coupon = code;
        error.hidden = true;
        ok.hidden = false;
        ok.textContent = code + " applied: " + COUPONS[code] * 100 + "% off.";
      } else {
        delete state.coupon;
        ok.hidden = true;
        error.hidden = false;
        error.textContent = code ? 'The code "' + code + '" is not valid.' : "Please enter a code.";
        error.setAttribute("data-hovor-coupon", code);
        error.setAttribute("data-hovor-props", JSON.stringify({ code: code }));
        error.setAttribute("data-hovor-error-count", String(Number(error.getAttribute("data-hovor-error-count") || 0) + 1));
      }
      save();
      summary();
    });

    $("[data-testid=place-order]").addEventListener("click", function () {
      var terms = $("#accept-terms");
      var error = $("[data-testid=terms-error]");
      if (!terms.checked) {
        error.hidden = false;
        return;
      }
      var t = summary();
      var orderId = "NH-" + Date.now().toString(36).toUpperCase();
      var done = $("[data-testid=order-complete]");
      done.setAttribute("data-hovor-order", JSON.stringify({ id: orderId, total: t.total, currency: "EUR", payment: state.payment }));
      $("[data-testid=order-id]").textContent = orderId;
      $("[data-testid=checkout-flow]").hidden = true;
      done.hidden = false;
      writeCart([]);
      sessionStorage.removeItem(CHECKOUT_KEY);
    });

    $("[data-testid=checkout-back]").addEventListener("click", function () {
      show(steps[Math.max(0, steps.indexOf(state.step) - 1)]);
    });

    show(state.step);
  }

  /* ---------- chat link ---------- */

  function initChatLinks() {
    $all("[data-testid=open-chat]").forEach(function (link) {
      link.addEventListener("click", function (ev) {
        ev.preventDefault();
        if (typeof window.hovor === "function") window.hovor("open");
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    updateCartCount();
    initAddButtons();
    initFilters();
    renderCart();
    initCheckout();
    initChatLinks();
  });
  window.addEventListener("storage", function (ev) {
    if (ev.key === CART_KEY) {
      updateCartCount();
      renderCart();
    }
  });
})();
