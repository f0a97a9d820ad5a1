"""Everything that speaks HTTP and Flask: blueprints, forms, pages, feeds, languages, error pages, mail's words and
links. The domain packages never import it."""
