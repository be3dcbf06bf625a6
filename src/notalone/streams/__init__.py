"""Conversation streams: a platform posts a chat's messages one by one and gets the updated
assessment after each; the conversation's state lives in the database, so a restart loses
nothing (``models`` are the rows, ``service`` the only code that queries them; its
``purge_text`` deletes old message text while keeping the risk timeline).
"""
