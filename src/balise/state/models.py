"""What people and ingests decided, in a transactional database (SQLite by default, PostgreSQL for servers).

The lake holds the facts (FOCUS rows in Parquet); this database says which lake files are live. Swapping a
set of files for another is one transaction here, so a crash leaves either the old set or the new one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[str]: JSON}


class Tenant(Base):
    __tablename__ = "tenants"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Ingest(Base):
    """One `balise ingest` run: all its sources land together or not at all."""

    __tablename__ = "ingests"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    started_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime] = mapped_column(DateTime)
    sources: Mapped[list[Source]] = relationship(back_populates="ingest")


class Source(Base):
    __tablename__ = "sources"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    ingest_id: Mapped[str] = mapped_column(ForeignKey("ingests.id"))
    file_name: Mapped[str] = mapped_column(String(1000))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    format: Mapped[str] = mapped_column(String(50))
    rows: Mapped[int] = mapped_column(BigInteger)
    rows_rejected: Mapped[int] = mapped_column(BigInteger, default=0)
    rejected_cost: Mapped[dict[str, Any]] = mapped_column(default=dict)
    reject_file: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    periods: Mapped[list[str]] = mapped_column(default=list)
    parts: Mapped[int] = mapped_column(Integer, default=0)  # (provider, account, period) keys it brought
    totals: Mapped[dict[str, Any]] = mapped_column(default=dict)
    ingested_at: Mapped[datetime] = mapped_column(DateTime)
    ingest: Mapped[Ingest] = relationship(back_populates="sources")


class LakeFile(Base):
    """One billing account's rows in a live Parquet file of the lake (a file may hold several accounts of one
    provider and period). Replacing an (account, period) deletes its rows here in the same transaction that
    inserts the new ones."""

    __tablename__ = "lake_files"
    __table_args__ = (
        Index("ix_lake_key", "tenant_id", "provider", "billing_account_id", "period"),
        UniqueConstraint("path", "billing_account_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    provider: Mapped[str] = mapped_column(String(50))
    billing_account_id: Mapped[str] = mapped_column(String(300))
    period: Mapped[str] = mapped_column(String(7))
    path: Mapped[str] = mapped_column(String(1000))  # relative to the lake root
    rows: Mapped[int] = mapped_column(BigInteger)
    totals: Mapped[dict[str, Any]] = mapped_column(default=dict)
