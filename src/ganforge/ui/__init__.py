"""The browser app's page (`ganforge serve`): ui/page.py assembles it from ui/tabs.py, one function per tab,
each tab offered by the tasks that list it (ganforge.apps.tasks). What the buttons do is apps/webapp.py."""
