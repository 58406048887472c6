"""Imports of historical scores (issue 13 part 3): FHIR QuestionnaireResponses and a CSV.

Both roads read their input into ``Candidate`` rows (``fhir_responses``,
``csv_scores``), which ``checking`` turns into a ``Preview``: every row scored
by the one engine (``rapport.measures.imported``), its client found within the
importer's scope, or its errors (row, column, plain message). ``commit`` writes
only a preview without a single error, read and checked again from the same
input, in one transaction.
"""
