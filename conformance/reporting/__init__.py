"""Reports of a run: case records, results.json, junit.xml, summary.md, the Allure HTML report."""
