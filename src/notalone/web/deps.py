"""Dependencies shared by routes (``Annotated`` aliases)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker

from notalone.detection.engine import Engine
from notalone.settings import Settings


def get_engine(request: Request) -> Engine:
    return request.app.state.engine


def get_app_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_sessions(request: Request) -> sessionmaker[Session]:
    """The session factory; routes open the transaction themselves (``with s.begin()``) so
    that it commits before the response is sent."""
    return request.app.state.sessions


EngineDep = Annotated[Engine, Depends(get_engine)]
SessionsDep = Annotated[sessionmaker[Session], Depends(get_sessions)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
