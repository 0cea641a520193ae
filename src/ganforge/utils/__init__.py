"""Small helpers every layer may use: images, files, seeding."""
