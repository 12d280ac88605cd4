"""Routes of the work-team pages (P11; see planning/urls.py and planning/views/teams.py)."""

from django.urls import URLPattern, path

from zhenxing.planning.views import teams

urlpatterns: list[URLPattern] = [
    path("teams/", teams.team_list, name="teams"),
    path("teams/county/<str:code>/", teams.team_county, name="teams_county"),
    path("teams/shortfalls.xlsx", teams.team_xlsx, name="teams_xlsx"),
    path("teams/village/<str:code>/", teams.team_village, name="team_village"),
    path("teams/village/<str:code>/flags/", teams.team_village_flags, name="team_village_flags"),
    path("teams/village/<str:code>/members/", teams.team_member_add, name="team_member_add"),
    path("teams/members/<int:pk>/end/", teams.team_member_end, name="team_member_end"),
]
