"""The Spark runner's identifier-only subjects: matched to the Patient carrying them.

As in the embedded runner (``legrules.population.matching``): a line whose subject is
an identifier only belongs to the one Patient that carries the identifier, after that
patient's other lines; if none does, or several do, it stays ignored with the reason.
Only the distinct pending identifiers come to the driver (none in a clean export, and
then nothing more is read); the Patients' identifiers are joined on Spark.
"""

from __future__ import annotations

from typing import Any

from legrules.population._extras import require

__all__ = ["matched"]

_NONE = "matches no Patient's identifier in the input"
_SHARED = "matches more than one Patient's identifier"


def matched(spark: Any, lines: Any, stray: Any) -> tuple[list[str], Any, Any]:
    """The Medications, the lines of patients (``late`` 1 if matched), the rest settled.

    *lines* are ``keyed_lines``; *stray* (at least) those of them with no key.  The
    settled stray lines are those still tied to no patient, with the reason.
    """
    functions = require("pyspark.sql.functions", "spark")
    col = functions.col
    found = (
        stray.where(
            "key IS NULL AND ((rtype = 'Medication' AND reason IS NULL) OR ident IS NOT NULL)"
        )
        .select(functions.when(col("ident").isNull(), col("value")).alias("value"), "ident")
        .distinct()
        .collect()
    )
    medications = sorted(r.value for r in found if r.ident is None)
    wanted = sorted({r.ident for r in found if r.ident is not None})
    owned = lines.where("key IS NOT NULL").withColumn("late", functions.lit(0))
    if not wanted:
        return medications, owned, stray
    carriers = (
        lines.where("names IS NOT NULL")
        .select("key", functions.explode("names").alias("ident"))
        .join(
            functions.broadcast(spark.createDataFrame([(w,) for w in wanted], "ident string")),
            "ident",
        )
        .groupBy("ident")
        .agg(functions.countDistinct("key").alias("n"), functions.min("key").alias("owner"))
        .collect()
    )
    unique = [(r.ident, r.owner) for r in carriers if r.n == 1]
    shared = [r.ident for r in carriers if r.n > 1]
    if unique:
        owners = functions.broadcast(spark.createDataFrame(unique, "ident string, owner string"))
        mine = stray.where("key IS NULL AND ident IS NOT NULL").join(owners, "ident")
        mine = mine.withColumn("key", col("owner")).withColumn(
            "reason", functions.lit(None).cast("string")
        )
        owned = owned.unionByName(mine.drop("owner").withColumn("late", functions.lit(1)))
        stray = stray.join(owners.select("ident"), "ident", "left_anti")
    if shared:
        again = functions.regexp_replace(col("reason"), _NONE, _SHARED)
        stray = stray.withColumn(
            "reason", functions.when(col("ident").isin(shared), again).otherwise(col("reason"))
        )
    return medications, owned, stray
