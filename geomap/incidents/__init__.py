"""From event sentences to incidents: triggers, senses, types, modality, counts, actors, dates,
the learned event-location linker and its training, and merging reports of one event."""
