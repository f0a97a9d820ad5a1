"""Everything that speaks HTTP and Flask: blueprints, forms, pages, feeds, languages, error pages. The domain packages never import it."""
