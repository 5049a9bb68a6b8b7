"""sqlfluff's stand-in for dbt's ``adapter`` (``make lint`` renders the models with the jinja
templater, without dbt or a database): a dispatched cross-engine macro
(macros/cross_engine.sql) renders as a call of a function of its name, which is SQL to lint;
one that yields rows (explode_*) renders as such a call with its alias, and star_except as the
relation's star."""


class _Adapter:
    def dispatch(self, macro_name, macro_namespace=None):
        def render(*arguments):
            given = [str(argument) for argument in arguments if argument is not None]
            if macro_name == "star_except":
                return f"{given[0]}.*"
            if macro_name.startswith("explode_"):
                return f"{macro_name}({', '.join(given[:-1])}) as {given[-1]}"
            return f"{macro_name}({', '.join(given)})"

        return render


adapter = _Adapter()
