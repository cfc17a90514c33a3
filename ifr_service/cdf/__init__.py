"""The Cancer Drugs Fund route: the national CDF list, applications decided against an entry's criteria,
approval numbers, the treatment record, and the regional CDF teams' lists, audit and spend."""
