"""Where the suite's generated middleware classes live, so Django can import them by path.

``settings.MIDDLEWARE`` holds dotted paths; kata_onion puts each generated class here as a
module attribute (``kata_mw.A``, ``kata_mw.B``, …) before real Django loads the stack.
"""
