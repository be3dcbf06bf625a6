"""Helpline reports and cases (hotline 111 and any child helpline): ``models`` are the rows,
``schemas`` the request and response bodies, ``service`` the only code that queries them.

Reports from children and parents need no account: the answer carries a short follow-up code
with which the reporter checks the status and adds information later.
"""
