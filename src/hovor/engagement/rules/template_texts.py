"""The templates' default offer texts in English, Czech and Slovak (English first: a
visitor whose page names none of these languages reads English, as before)."""

from __future__ import annotations

Texts = dict[str, str]

CART_ABANDONED: Texts = {
    "en": "Anything holding you back from checking out? We're happy to help.",
    "cs": "Váháte s dokončením objednávky? Rádi vám pomůžeme.",
    "sk": "Váhate s dokončením objednávky? Radi vám pomôžeme.",
}
CART_EMPTIED: Texts = {
    "en": "You've emptied your cart. Didn't find what you were looking for?",
    "cs": "Vyprázdnili jste košík. Nenašli jste, co jste hledali?",
    "sk": "Vyprázdnili ste košík. Nenašli ste, čo ste hľadali?",
}
HIGH_VALUE_REMOVED: Texts = {
    "en": "Changed your mind about {{event.props.name}}? Ask us anything before you decide.",
    "cs": "Rozmysleli jste si {{event.props.name}}? Než se rozhodnete, na cokoli se nás zeptejte.",
    "sk": "Rozmysleli ste si {{event.props.name}}? Kým sa rozhodnete, na čokoľvek sa nás opýtajte.",
}
PAYMENT_STUCK: Texts = {
    "en": "Not sure which payment method to choose? We can help.",
    "cs": "Nevíte, jaký způsob platby zvolit? Poradíme vám.",
    "sk": "Neviete, aký spôsob platby zvoliť? Poradíme vám.",
}
PAYMENT_SWITCHING: Texts = {
    "en": "Can't decide how to pay? We can explain the options.",
    "cs": "Nemůžete se rozhodnout, jak zaplatit? Vysvětlíme vám možnosti.",
    "sk": "Neviete sa rozhodnúť, ako zaplatiť? Vysvetlíme vám možnosti.",
}
COUPON_FAILED: Texts = {
    "en": "The code {{event.props.code}} didn't work? Let us take a look.",
    "cs": "Kód {{event.props.code}} nefungoval? Podíváme se na to.",
    "sk": "Kód {{event.props.code}} nefungoval? Pozrieme sa na to.",
}
LOGIN_FAILED: Texts = {
    "en": "Having trouble signing in? We can help you get back into your account.",
    "cs": "Nedaří se vám přihlásit? Pomůžeme vám zpět do vašeho účtu.",
    "sk": "Nedarí sa vám prihlásiť? Pomôžeme vám späť do vášho účtu.",
}
TERMS_REVISITED: Texts = {
    "en": "Questions about our terms? We're happy to explain.",
    "cs": "Máte otázky k našim obchodním podmínkám? Rádi vám je vysvětlíme.",
    "sk": "Máte otázky k našim obchodným podmienkam? Radi vám ich vysvetlíme.",
}
COMPARING: Texts = {
    "en": "Still deciding between {{event.props.name}} and another one? We can help you compare.",
    "cs": "Stále se rozhodujete mezi {{event.props.name}} a něčím jiným? Pomůžeme vám porovnat.",
    "sk": "Stále sa rozhodujete medzi {{event.props.name}} a niečím iným? Pomôžeme vám porovnať.",
}
LONG_HESITATION: Texts = {
    "en": "Any questions about this product? Ask us.",
    "cs": "Máte k tomuto produktu otázky? Zeptejte se nás.",
    "sk": "Máte k tomuto produktu otázky? Opýtajte sa nás.",
}
VIEWED_NOT_ADDED: Texts = {
    "en": "Any questions about {{event.props.name}}? Ask us.",
    "cs": "Máte otázky k {{event.props.name}}? Zeptejte se nás.",
    "sk": "Máte otázky k {{event.props.name}}? Opýtajte sa nás.",
}

FALLBACK_TEXTS: dict[str, Texts] = {
    "callback": {
        "en": "We can't chat right now. Leave your number and we'll call you back.",
        "cs": "Teď nemůžeme chatovat. Nechte nám číslo a zavoláme vám zpět.",
        "sk": "Teraz nemôžeme chatovať. Nechajte nám číslo a zavoláme vám späť.",
    },
    "message": {
        "en": "We can't chat right now. Write to us and we'll get back to you.",
        "cs": "Teď nemůžeme chatovat. Napište nám a ozveme se vám.",
        "sk": "Teraz nemôžeme chatovať. Napíšte nám a ozveme sa vám.",
    },
}
