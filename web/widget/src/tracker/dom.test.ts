import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cartItems, cartRemovals, DomWatcher, isVisible, orderProps, readJson } from "./dom";
import type { Props } from "./event";

const flush = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0)); // let MutationObserver run

describe("attribute helpers", () => {
  it("reads JSON object attributes, null otherwise", () => {
    const el = document.createElement("div");
    el.setAttribute("data-x", '{"id":"a","price":1}');
    expect(readJson(el, "data-x")).toEqual({ id: "a", price: 1 });
    for (const bad of ["[1]", "oops", '"s"', "null"]) {
      el.setAttribute("data-x", bad);
      expect(readJson(el, "data-x")).toBeNull();
    }
    expect(readJson(el, "data-missing")).toBeNull();
  });

  it("treats [hidden] ancestors and detached elements as invisible", () => {
    document.body.innerHTML = '<div id="a"><p id="p">x</p></div>';
    const p = document.getElementById("p") as HTMLElement;
    expect(isVisible(p)).toBe(true);
    document.getElementById("a")?.setAttribute("hidden", "");
    expect(isVisible(p)).toBe(false);
    expect(isVisible(document.createElement("p"))).toBe(false);
  });

  it("finds removed cart rows and lowered quantities", () => {
    const before = new Map<string, Props>([
      ["a", { id: "a", price: 10, quantity: 2 }],
      ["b", { id: "b", price: 5, quantity: 3 }],
      ["c", { id: "c", price: 1 }],
    ]);
    const after = new Map<string, Props>([["b", { id: "b", price: 5, quantity: 1 }], ["c", { id: "c", price: 1, quantity: 4 }]]);
    expect(cartRemovals(before, after)).toEqual([
      { id: "a", price: 10, quantity: 2 },
      { id: "b", price: 5, quantity: 2 },
    ]);
  });

  it("maps an order to order.completed props", () => {
    expect(orderProps({ id: "NH-1", total: 938.9, currency: "EUR", payment: "card" })).toEqual({
      order_id: "NH-1",
      value: 938.9,
      currency: "EUR",
      payment: "card",
    });
    expect(orderProps({ order_id: "o2", value: 5 })).toEqual({ order_id: "o2", value: 5 });
  });

  it("reads cart rows by id", () => {
    document.body.innerHTML = `<table><tr data-hovor-cart-item='{"id":"k","price":39,"quantity":2}'></tr><tr data-hovor-cart-item="bad"></tr></table>`;
    expect(cartItems(document)).toEqual(new Map([["k", { id: "k", price: 39, quantity: 2 }]]));
  });
});

describe("DomWatcher", () => {
  let events: [string, Props][];
  let watcher: DomWatcher;
  beforeEach(() => {
    events = [];
    watcher = new DomWatcher((type, props) => events.push([type, props]));
  });
  afterEach(() => {
    watcher.stop();
    document.body.innerHTML = "";
  });

  it("sends product.view and cart.view once, checkout.step for the visible step", () => {
    document.body.innerHTML = `
      <article data-hovor-product='{"id":"fridge-coolmax","name":"CoolMax 300","category":"fridges","price":899}'></article>
      <aside data-hovor-cart='{"items":2,"total":938,"currency":"EUR"}'></aside>
      <section data-hovor-checkout-step="address"></section>
      <section data-hovor-checkout-step="payment" hidden></section>`;
    watcher.start();
    watcher.scan();
    expect(events).toEqual([
      ["product.view", { id: "fridge-coolmax", name: "CoolMax 300", category: "fridges", price: 899 }],
      ["cart.view", { items: 2, currency: "EUR", value: 938 }],
      ["checkout.step", { step: "address" }],
    ]);
  });

  it("sends checkout.step when a step becomes visible, and again when it comes back", async () => {
    document.body.innerHTML = `
      <section id="a" data-hovor-checkout-step="address"></section>
      <section id="p" data-hovor-checkout-step="payment" hidden></section>`;
    watcher.start();
    const a = document.getElementById("a") as HTMLElement;
    const p = document.getElementById("p") as HTMLElement;
    a.hidden = true;
    p.hidden = false;
    await flush();
    p.hidden = true;
    a.hidden = false;
    await flush();
    expect(events.map(([, props]) => props.step)).toEqual(["address", "payment", "address"]);
  });

  it("sends an error event when its element shows, and again on a new count", async () => {
    document.body.innerHTML = `<p id="e" data-hovor-error="coupon.failed" hidden></p>`;
    watcher.start();
    const e = document.getElementById("e") as HTMLElement;
    e.setAttribute("data-hovor-props", '{"code":"SAVE50"}');
    e.setAttribute("data-hovor-error-count", "1");
    e.hidden = false;
    await flush();
    e.setAttribute("data-hovor-error-count", "2");
    await flush();
    e.setAttribute("class", "shake"); // same count, still visible: nothing new
    await flush();
    expect(events).toEqual([
      ["coupon.failed", { code: "SAVE50" }],
      ["coupon.failed", { code: "SAVE50" }],
    ]);
  });

  it("sends cart.remove when a row goes, order.completed once when the confirmation shows", async () => {
    document.body.innerHTML = `<table><tbody id="rows"></tbody></table><div id="done" hidden></div>`;
    watcher.start();
    const rows = document.getElementById("rows") as HTMLElement;
    rows.innerHTML = `<tr data-hovor-cart-item='{"id":"a","price":10,"quantity":2}'></tr><tr data-hovor-cart-item='{"id":"b","price":5,"quantity":1}'></tr>`;
    await flush();
    expect(events).toEqual([]); // rows appearing is not an event
    // The shop re-renders all rows without "a".
    rows.innerHTML = `<tr data-hovor-cart-item='{"id":"b","price":5,"quantity":1}'></tr>`;
    await flush();
    expect(events).toEqual([["cart.remove", { id: "a", price: 10, quantity: 2 }]]);

    const done = document.getElementById("done") as HTMLElement;
    done.setAttribute("data-hovor-order", '{"id":"NH-1","total":15,"currency":"EUR"}');
    done.hidden = false;
    await flush();
    done.setAttribute("class", "x");
    await flush();
    expect(events.slice(1)).toEqual([["order.completed", { currency: "EUR", order_id: "NH-1", value: 15 }]]);
  });

  it("sends clicks on data-hovor-track with their props, and payment method choices", () => {
    document.body.innerHTML = `
      <button data-hovor-track="cart.add" data-hovor-props='{"id":"k","price":39,"quantity":2}'><span id="inner">Add</span></button>
      <label><input type="radio" name="pay" value="card" data-hovor-payment-method="card" id="card"> Card</label>
      <button data-hovor-payment-method="paypal" id="paypal">PayPal</button>`;
    watcher.start();
    (document.getElementById("inner") as HTMLElement).click();
    (document.getElementById("card") as HTMLInputElement).click();
    (document.getElementById("paypal") as HTMLElement).click();
    expect(events).toEqual([
      ["cart.add", { id: "k", price: 39, quantity: 2 }],
      ["checkout.payment_method", { method: "card" }],
      ["checkout.payment_method", { method: "paypal" }],
    ]);
  });
});
