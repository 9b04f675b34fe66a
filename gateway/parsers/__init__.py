"""One pure parser per registry type: headers and raw body in, normalised events out."""
