"""FHIR R4 (fhir.resources R4B) views of engine and clinic objects: pure Python, no Django."""
