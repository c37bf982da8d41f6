"""The site: page contexts, charts, search index, data files, rendering and writing."""
