"""MkDocs hook: what the search index holds is what a reader reads.

MkDocs' search plugin indexes the HTML of each page (``page.content``, in ``on_page_context``).
Three things in that HTML are not text a reader sees, and showed up in the search previews:

* math is TeX (``\\(\\alpha \\in \\mathbb{R}^{n_x}\\)``) until MathJax typesets it in the browser;
* each notebook cell of a lab carries a hidden copy of its source for the copy button
  (``<div class="clipboard-copy-txt">``): every cell was indexed twice;
* the copy button's hidden "Copied!" notice.

Just before the search plugin reads a page, this hook gives it a cleaned copy: math becomes
readable plain text (``α ∈ ℝ^n_x``, see :func:`tex_to_text`), the copy buttons and their hidden
buffers are dropped. Right after, the page gets its HTML back untouched, so the site itself
is not changed.
"""

from __future__ import annotations

import html
import re

from mkdocs.plugins import CombinedEvent, event_priority

SYMBOLS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "Gamma": "Γ", "delta": "δ", "Delta": "Δ",
    "epsilon": "ε", "varepsilon": "ε", "zeta": "ζ", "eta": "η", "theta": "θ", "Theta": "Θ",
    "iota": "ι", "kappa": "κ", "lambda": "λ", "Lambda": "Λ", "mu": "μ", "nu": "ν", "xi": "ξ",
    "pi": "π", "Pi": "Π", "rho": "ρ", "sigma": "σ", "Sigma": "Σ", "tau": "τ", "phi": "φ",
    "varphi": "φ", "Phi": "Φ", "chi": "χ", "psi": "ψ", "Psi": "Ψ", "omega": "ω", "Omega": "Ω",
    "partial": "∂", "nabla": "∇", "sum": "∑", "prod": "∏", "infty": "∞", "cdot": "·",
    "times": "×", "odot": "⊙", "circ": "∘", "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥",
    "neq": "≠", "ne": "≠", "approx": "≈", "sim": "∼", "propto": "∝", "in": "∈", "notin": "∉",
    "to": "→", "rightarrow": "→", "Rightarrow": "⇒", "leftarrow": "←", "mapsto": "↦",
    "ldots": "…", "cdots": "⋯", "dots": "…", "vdots": "⋮", "top": "ᵀ", "pm": "±", "mp": "∓",
    "sqrt": "√", "int": "∫", "forall": "∀", "exists": "∃", "ell": "ℓ", "lVert": "‖",
    "rVert": "‖", "Vert": "‖", "|": "‖", "mid": "|", "langle": "⟨", "rangle": "⟩",
    "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉", "prime": "′", "star": "⋆",
    "ll": "≪", "gg": "≫", "subset": "⊂", "cup": "∪", "cap": "∩", "emptyset": "∅",
    "{": "{", "}": "}", "_": "_", "%": "%", "&": "&", "#": "#", "$": "$",
}
BLACKBOARD = {"R": "ℝ", "N": "ℕ", "Z": "ℤ", "Q": "ℚ", "C": "ℂ", "E": "𝔼"}
#: commands that only space, size or style: dropped (their argument, if any, is kept)
DROP = {"left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "displaystyle",
        "textstyle", "limits", "nolimits", "quad", "qquad", "tag", "label", "nonumber", "notag",
        "mathrm", "mathbf", "mathit", "mathsf", "mathcal", "boldsymbol", "bm", "text", "textrm",
        "textit", "textbf", "operatorname", "hat", "tilde", "bar", "overline", "vec", "widehat",
        "widetilde", "underbrace", "overbrace", "underset", "overset", "begin", "end", "cancel",
        "phantom", "color", "mathbb", "dfrac", "tfrac", "frac", "binom"}

_BB = re.compile(r"\\mathbb\s*\{\s*([A-Z])\s*\}")
_FRAC = re.compile(r"\\[dt]?frac\s*(?=\{)")
_ENV = re.compile(r"\\(?:begin|end)\s*\{[^{}]*\}")
_COLOR = re.compile(r"\\color\s*\{[^{}]*\}")
_CMD = re.compile(r"\\([A-Za-z]+|.)")


def _group(s: str, i: int):
    """``(inside, end)`` of the brace group that starts at ``s[i] == "{"``."""
    depth = 0
    for j in range(i, len(s)):
        if s[j] == "{" and (j == 0 or s[j - 1] != "\\"):
            depth += 1
        elif s[j] == "}" and s[j - 1] != "\\":
            depth -= 1
            if depth == 0:
                return s[i + 1:j], j + 1
    return s[i + 1:], len(s)


def _fractions(s: str) -> str:
    """``\\frac{a}{b}`` -> ``a/b`` (parenthesised when needed), nested fractions included."""
    out, pos = [], 0
    for m in _FRAC.finditer(s):
        if m.start() < pos:
            continue
        num, end = _group(s, m.end())
        rest = s[end:].lstrip()
        if not rest.startswith("{"):
            continue
        den, end2 = _group(s, end + (len(s[end:]) - len(rest)))
        out.append(s[pos:m.start()])
        out.append(f"{_paren(_fractions(num))}/{_paren(_fractions(den))}")
        pos = end2
    out.append(s[pos:])
    return "".join(out)


def _paren(s: str) -> str:
    s = s.strip()
    return s if len(s) <= 1 or re.fullmatch(r"[\w′]+", s) else f"({s})"


def tex_to_text(tex: str) -> str:
    """A plain-text reading of a TeX formula, for search previews.

    >>> tex_to_text(r"x \\in \\mathbb{R}^{n_x}")
    'x ∈ ℝ^n_x'
    >>> tex_to_text(r"\\frac{\\partial J}{\\partial w} = \\frac{1}{m} X (A - Y)^\\top")
    '(∂ J)/(∂ w) = 1/m X (A - Y)^ᵀ'
    >>> tex_to_text(r"\\text{decay\\_rate} \\cdot \\left( 1 + \\alpha \\right)")
    'decay_rate · ( 1 + α )'
    """
    s = _BB.sub(lambda m: BLACKBOARD.get(m[1], m[1]), tex)
    s = _ENV.sub(" ", _COLOR.sub("", s))
    s = _fractions(s)

    def command(m):
        name = m[1]
        if name in SYMBOLS:
            return SYMBOLS[name]
        if name in DROP or not name.isalpha():
            return " " if name in (",", ";", ":", "!", " ", "quad", "qquad") else ""
        return name  # \log, \exp, \max, \tanh, ...

    s = _CMD.sub(command, s)
    s = s.replace("{", "").replace("}", "").replace("&", " ").replace("~", " ")
    return re.sub(r"\s+", " ", s).strip()


_MATH = re.compile(r'<(span|div) class="arithmatex">\s*\\[(\[](.*?)\\[)\]]\s*</\1>', re.S)
_COPY_BUFFER = re.compile(r'<div class="clipboard-copy-txt"[^>]*>.*?</div>', re.S)
_COPY_BUTTON = re.compile(r'<div class="zeroclipboard-container">.*?</clipboard-copy>\s*</div>', re.S)


def search_text(content: str) -> str:
    """The HTML the search index gets: math as plain text, no copy buttons or their buffers.

    >>> search_text('<p>Cost <span class="arithmatex">\\\\(J(w, b)\\\\)</span>.</p>')
    '<p>Cost J(w, b).</p>'
    >>> search_text('<div class="zeroclipboard-container"><clipboard-copy for="c1"><div>'
    ...             '<span class="notice" hidden>Copied!</span></div></clipboard-copy></div>'
    ...             '<pre>x = 1</pre><div class="clipboard-copy-txt" id="c1">x = 1</div>')
    '<pre>x = 1</pre>'
    """
    content = _COPY_BUTTON.sub("", content)
    content = _COPY_BUFFER.sub("", content)
    return _MATH.sub(lambda m: html.escape(tex_to_text(html.unescape(m[2])), quote=False), content)


_ORIGINAL = "_dlnotes_html_before_search"


@event_priority(100)  # before the search plugin indexes the page
def _give_search_text(context, page, **kwargs):
    if page.content:
        setattr(page, _ORIGINAL, page.content)
        page.content = search_text(page.content)
    return context


@event_priority(-100)  # after it: the page is rendered from its own HTML
def _restore_html(context, page, **kwargs):
    original = getattr(page, _ORIGINAL, None)
    if original is not None:
        page.content = original
        delattr(page, _ORIGINAL)
    return context


on_page_context = CombinedEvent(_give_search_text, _restore_html)
