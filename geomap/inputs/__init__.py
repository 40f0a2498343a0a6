"""Reading what users hand over: article files and text, encodings, parsed-article JSON."""
