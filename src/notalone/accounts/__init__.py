"""People and permissions: counsellor, supervisor and admin accounts of a helpline
organisation, their passwords (argon2id) and the bearer tokens the API takes. ``models`` are
the rows, ``service`` the only code that queries them, ``permissions`` what each role may do.
"""
