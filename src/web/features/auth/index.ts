import { createElement } from 'react';
import type { FeatureModule } from '../types';
import { InvitationPage, PasswordPage, SetupPage, SignInPage } from './pages';
import { TokensPage } from './TokensPage';
import { ResetPasswordPage } from './ResetPasswordPage';

export const authFeature: FeatureModule = {
  id: 'auth',
  routes: [
    { path: '/sign-in', element: () => createElement(SignInPage), face: 'portal', public: true },
    { path: '/setup', element: () => createElement(SetupPage), face: 'portal', public: true },
    { path: '/invite', element: () => createElement(InvitationPage), face: 'portal', public: true },
    { path: '/invite/:token', element: () => createElement(InvitationPage), face: 'portal', public: true },
    { path: '/invitations/:token', element: () => createElement(InvitationPage), face: 'portal', public: true },
    { path: '/reset-password', element: () => createElement(ResetPasswordPage), face: 'portal', public: true, title: 'Set a new password' },
    { path: '/account/password', element: () => createElement(PasswordPage), face: 'portal' },
    { path: '/account/tokens', element: () => createElement(TokensPage), face: 'portal', title: 'API tokens' },
  ],
};
