"""Per-event log written to Parquet in row groups, never held whole in memory.

One row per patient event: time (minutes since the start date), patient id,
stream, event and place. Rows are buffered in compact arrays and flushed as a
Parquet row group every ``batch_rows`` rows, so memory stays flat however long
the run. Readable by pandas, polars and R (arrow).
"""

from __future__ import annotations

from array import array
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa


@cache
def _arrow() -> tuple[Any, Any]:
    """pyarrow and pyarrow.parquet, imported on first use (a run without an event log never pays for them)."""
    import pyarrow
    import pyarrow.parquet

    return pyarrow, pyarrow.parquet


@cache
def schema() -> pa.Schema:
    pa, _ = _arrow()
    return pa.schema([
        ("replication", pa.int32()),
        ("time_min", pa.float64()),
        ("patient", pa.int64()),
        ("stream", pa.dictionary(pa.int32(), pa.string())),
        ("event", pa.dictionary(pa.int32(), pa.string())),
        ("place", pa.dictionary(pa.int32(), pa.string())),
    ])


def __getattr__(name: str) -> Any:
    if name == "SCHEMA":
        return schema()
    raise AttributeError(name)


class EventLog:
    """Append-only Parquet event log for one replication."""

    def __init__(self, path: str | Path, replication: int = 0, batch_rows: int = 250_000) -> None:
        self.path = Path(path)
        self.replication = replication
        self.batch_rows = batch_rows
        self.rows = 0
        _, pq = _arrow()
        self._writer = pq.ParquetWriter(self.path, schema(), compression="zstd")
        self._codes: dict[str, int] = {}
        self._labels: list[str] = []
        self._reset()

    def _reset(self) -> None:
        self._time = array("d")
        self._patient = array("q")
        self._stream = array("i")
        self._event = array("i")
        self._place = array("i")

    def _code(self, label: str) -> int:
        code = self._codes.get(label)
        if code is None:
            code = self._codes[label] = len(self._labels)
            self._labels.append(label)
        return code

    def record(self, time: float, patient: int, stream: str, event: str, place: str = "") -> None:
        self._time.append(time)
        self._patient.append(patient)
        self._stream.append(self._code(stream))
        self._event.append(self._code(event))
        self._place.append(self._code(place))
        if len(self._time) >= self.batch_rows:
            self.flush()

    def _column(self, codes: array) -> pa.DictionaryArray:
        pa, _ = _arrow()
        labels = pa.array(self._labels, pa.string())
        return pa.DictionaryArray.from_arrays(pa.array(codes, pa.int32()), labels)

    def flush(self) -> None:
        n = len(self._time)
        if n == 0:
            return
        pa, _ = _arrow()
        table = pa.table({
            "replication": pa.array([self.replication] * n, pa.int32()),
            "time_min": pa.array(self._time, pa.float64()),
            "patient": pa.array(self._patient, pa.int64()),
            "stream": self._column(self._stream),
            "event": self._column(self._event),
            "place": self._column(self._place),
        }, schema=schema())
        self._writer.write_table(table)
        self.rows += n
        self._reset()

    def close(self) -> None:
        self.flush()
        self._writer.close()
