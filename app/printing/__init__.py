"""Paper for the notice board and the door (公示 on paper): PDFs in a Chinese font.

`layout` is the page they share (app/printing/fonts.py finds the font); one module per domain
builds its documents from that domain's reads and checks — `polls` (the result's 公示, paper
ballots with their codes), `meetings` (notice, sign-in sheet, minutes' 公示), `join_codes`
(slips of codes just issued) — and `routes` serves them.
"""
