// Declarative tracking: events read from `data-hovor-*` attributes the site
// puts in its HTML (docs/tracker-protocol.md, "Data attributes"), so a shop
// needs no JavaScript of its own:
//
//   data-hovor-product='{"id",…}'        present           → product.view (once per id)
//   data-hovor-cart='{"items","total"}'  visible           → cart.view (once per page)
//   data-hovor-cart-item='{"id","price","quantity"}'  row gone or quantity lower → cart.remove
//   data-hovor-checkout-step="payment"   becomes visible   → checkout.step
//   data-hovor-payment-method="card"     chosen (change; click on non-inputs) → checkout.payment_method
//   data-hovor-error="coupon.failed"     becomes visible (again: bump data-hovor-error-count) → that type
//   data-hovor-order='{"id","total"}'    visible           → order.completed (once per order id)
//   data-hovor-track="cart.add" data-hovor-props='{…}'  clicked → that type with those props

import type { Props } from "./event";

export type Emit = (type: string, props: Props) => void;

const WATCHED_ATTRIBUTES = [
  "hidden",
  "class",
  "style",
  "open",
  "data-hovor-product",
  "data-hovor-cart",
  "data-hovor-cart-item",
  "data-hovor-checkout-step",
  "data-hovor-error",
  "data-hovor-error-count",
  "data-hovor-order",
];

/** A JSON object attribute; null when absent or not a JSON object. */
export function readJson(el: Element, attr: string): Props | null {
  try {
    const value: unknown = JSON.parse(el.getAttribute(attr) || "null");
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Props) : null;
  } catch {
    return null;
  }
}

/** Rendered: in the document, not under [hidden], and (where the browser can tell) not display:none. */
export function isVisible(el: Element): boolean {
  if (!el.isConnected || el.closest("[hidden]")) return false;
  const check = (el as Element & { checkVisibility?: () => boolean }).checkVisibility;
  return typeof check === "function" ? check.call(el) : true;
}

const num = (value: unknown, fallback: number): number =>
  typeof value === "number" && Number.isFinite(value) ? value : fallback;

/** Cart rows by product id, from `data-hovor-cart-item`. */
export function cartItems(root: ParentNode): Map<string, Props> {
  const items = new Map<string, Props>();
  for (const el of Array.from(root.querySelectorAll("[data-hovor-cart-item]"))) {
    const item = readJson(el, "data-hovor-cart-item");
    if (item && item.id != null) items.set(String(item.id), item);
  }
  return items;
}

/** cart.remove props for every row that disappeared or whose quantity went down. */
export function cartRemovals(before: Map<string, Props>, after: Map<string, Props>): Props[] {
  const removed: Props[] = [];
  for (const [id, old] of before) {
    const was = num(old.quantity, 1);
    const now = after.has(id) ? num(after.get(id)?.quantity, 1) : 0;
    if (now < was) removed.push({ ...old, quantity: was - now });
  }
  return removed;
}

/** order.completed props from a `data-hovor-order` object ({id, total} or {order_id, value}). */
export function orderProps(order: Props): Props {
  const { id, total, ...rest } = order;
  return { ...rest, order_id: String(order.order_id ?? id ?? ""), value: num(order.value ?? total, 0) };
}

export class DomWatcher {
  private readonly once = new Set<string>();
  private readonly shown = new WeakMap<Element, string>();
  private cart: Map<string, Props> | null = null;
  private observer: MutationObserver | null = null;
  private readonly onClick = (ev: Event): void => {
    const target = ev.target instanceof Element ? ev.target : null;
    const tracked = target?.closest("[data-hovor-track]");
    if (tracked) this.emit(tracked.getAttribute("data-hovor-track") || "", readJson(tracked, "data-hovor-props") || {});
    const method = target?.closest("[data-hovor-payment-method]");
    if (method && !/^(INPUT|SELECT)$/.test(method.tagName)) this.paymentMethod(method);
  };
  private readonly onChange = (ev: Event): void => {
    const target = ev.target instanceof Element ? ev.target : null;
    const method = target?.closest("[data-hovor-payment-method]");
    if (method && (method as HTMLInputElement).checked !== false) this.paymentMethod(method);
  };

  constructor(
    private readonly emit: Emit,
    private readonly doc: Document = document,
  ) {}

  start(): void {
    this.scan();
    this.observer = new MutationObserver(() => this.scan());
    this.observer.observe(this.doc.documentElement, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: WATCHED_ATTRIBUTES,
    });
    this.doc.addEventListener("click", this.onClick, true);
    this.doc.addEventListener("change", this.onChange, true);
  }

  stop(): void {
    this.observer?.disconnect();
    this.doc.removeEventListener("click", this.onClick, true);
    this.doc.removeEventListener("change", this.onChange, true);
  }

  /** Compare the page with what was seen before and emit what changed. */
  scan(): void {
    const all = (selector: string): Element[] => Array.from(this.doc.querySelectorAll(selector));
    const first = (key: string): boolean => !this.once.has(key) && !!this.once.add(key);

    for (const el of all("[data-hovor-product]")) {
      const product = readJson(el, "data-hovor-product");
      if (product && product.id != null && first(`product:${String(product.id)}`)) this.emit("product.view", product);
    }
    for (const el of all("[data-hovor-cart]")) {
      const cart = readJson(el, "data-hovor-cart");
      if (cart && isVisible(el) && first("cart")) {
        const { total, ...rest } = cart;
        this.emit("cart.view", { ...rest, value: num(cart.value ?? total, 0) });
      }
    }
    const items = cartItems(this.doc);
    if (this.cart) for (const props of cartRemovals(this.cart, items)) this.emit("cart.remove", props);
    this.cart = items;

    for (const el of all("[data-hovor-checkout-step]")) {
      if (this.becameVisible(el, "")) this.emit("checkout.step", { step: el.getAttribute("data-hovor-checkout-step") });
    }
    for (const el of all("[data-hovor-error]")) {
      if (this.becameVisible(el, el.getAttribute("data-hovor-error-count") || "")) {
        this.emit(el.getAttribute("data-hovor-error") || "", readJson(el, "data-hovor-props") || {});
      }
    }
    for (const el of all("[data-hovor-order]")) {
      const order = readJson(el, "data-hovor-order");
      if (order && isVisible(el)) {
        const props = orderProps(order);
        if (first(`order:${String(props.order_id)}`)) this.emit("order.completed", props);
      }
    }
  }

  /** True when `el` is visible now and was not (or showed another `version` of itself) at the last scan. */
  private becameVisible(el: Element, version: string): boolean {
    const now = isVisible(el) ? `v${version}` : "";
    const before = this.shown.get(el);
    this.shown.set(el, now);
    return now !== "" && now !== before;
  }

  private paymentMethod(el: Element): void {
    const method = el.getAttribute("data-hovor-payment-method") || (el as HTMLInputElement).value;
    if (method) this.emit("checkout.payment_method", { method });
  }
}
