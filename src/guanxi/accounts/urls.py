from django.urls import path

from guanxi.accounts.views import auth, mfa, roles, teams, tokens, users

app_name = "accounts"
urlpatterns = [
    path("login/", auth.LoginView.as_view(), name="login"),
    path("login/verify/", mfa.VerifyView.as_view(), name="mfa_verify"),
    path("mfa/enrol/", mfa.EnrolView.as_view(), name="mfa_enrol"),
    path("mfa/recovery-codes/", mfa.RecoveryCodesView.as_view(), name="mfa_recovery_codes"),
    path("mfa/remove/", mfa.RemoveView.as_view(), name="mfa_remove"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("password/", auth.PasswordChangeView.as_view(), name="password_change"),
    path("language/", auth.set_language, name="set_language"),
    path("profile/", auth.ProfileView.as_view(), name="profile"),
    path("tokens/<int:pk>/revoke/", tokens.TokenRevokeView.as_view(), name="token_revoke"),
    path("users/", users.UserListView.as_view(), name="user_list"),
    path("users/new/", users.UserCreateView.as_view(), name="user_create"),
    path("users/<int:pk>/", users.UserDetailView.as_view(), name="user_detail"),
    path("users/<int:pk>/edit/", users.user_edit, name="user_edit"),
    path("users/<int:pk>/deactivate/", users.user_deactivate, name="user_deactivate"),
    path("users/<int:pk>/reactivate/", users.user_reactivate, name="user_reactivate"),
    path("users/<int:pk>/password/", users.UserSetPasswordView.as_view(), name="user_set_password"),
    path("teams/", teams.TeamListView.as_view(), name="team_list"),
    path("teams/new/", teams.TeamCreateView.as_view(), name="team_create"),
    path("teams/<int:pk>/edit/", teams.team_edit, name="team_edit"),
    path("roles/", roles.RoleListView.as_view(), name="role_list"),
    path("roles/new/", roles.RoleFormView.as_view(), name="role_create"),
    path("roles/<int:pk>/edit/", roles.RoleFormView.as_view(), name="role_edit"),
]
