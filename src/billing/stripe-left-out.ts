// Stands in, in the bundle only (wrangler.toml [alias]), for every part of the Stripe SDK that its
// client constructs but this Worker never calls: its ~75 API resources (its core builds all of them in
// its constructor, so no bundler can shake them out; about 13 KiB of the gzipped Worker) and its thin
// event handler. Tests run the whole SDK; the bundle keeps what they exercise: the client, its request
// sender, fetch client, errors, webhooks and stripe.checkout.sessions. Safe because the SDK only
// constructs these and stores them on the client; our code can reach nothing but `checkout` (the
// StripeClient type of ./stripe.ts); and esbuild fails the build if the SDK imports a name missing here.
class LeftOut {
  constructor(_stripe?: unknown) {
    // Loud, should anything ever reach one: an empty object would fail later with a vaguer error.
    // biome-ignore lint/correctness/noConstructorReturn: the point is to answer every access with this error.
    return new Proxy(this, {
      get: (_target, property) => {
        throw new Error(
          `Stripe SDK part "${String(property)}" is left out of this Worker's bundle (wrangler.toml [alias]).`,
        );
      },
    });
  }
}

export {
  LeftOut as StripeEventNotificationHandler,
  LeftOut as AccountResource,
  LeftOut as AccountLinkResource,
  LeftOut as AccountSessionResource,
  LeftOut as ApplePayDomainResource,
  LeftOut as ApplicationFeeResource,
  LeftOut as BalanceResource,
  LeftOut as BalanceSettingResource,
  LeftOut as BalanceTransactionResource,
  LeftOut as ChargeResource,
  LeftOut as ConfirmationTokenResource,
  LeftOut as CountrySpecResource,
  LeftOut as CouponResource,
  LeftOut as CreditNoteResource,
  LeftOut as CustomerResource,
  LeftOut as CustomerSessionResource,
  LeftOut as DisputeResource,
  LeftOut as EphemeralKeyResource,
  LeftOut as ExchangeRateResource,
  LeftOut as FileResource,
  LeftOut as FileLinkResource,
  LeftOut as InvoiceResource,
  LeftOut as InvoiceItemResource,
  LeftOut as InvoicePaymentResource,
  LeftOut as InvoiceRenderingTemplateResource,
  LeftOut as MandateResource,
  LeftOut as PaymentAttemptRecordResource,
  LeftOut as PaymentIntentResource,
  LeftOut as PaymentLinkResource,
  LeftOut as PaymentMethodResource,
  LeftOut as PaymentMethodConfigurationResource,
  LeftOut as PaymentMethodDomainResource,
  LeftOut as PaymentRecordResource,
  LeftOut as PayoutResource,
  LeftOut as PlanResource,
  LeftOut as PriceResource,
  LeftOut as ProductResource,
  LeftOut as PromotionCodeResource,
  LeftOut as QuoteResource,
  LeftOut as RefundResource,
  LeftOut as ReviewResource,
  LeftOut as SetupAttemptResource,
  LeftOut as SetupIntentResource,
  LeftOut as ShippingRateResource,
  LeftOut as SourceResource,
  LeftOut as SubscriptionResource,
  LeftOut as SubscriptionItemResource,
  LeftOut as SubscriptionScheduleResource,
  LeftOut as TaxCodeResource,
  LeftOut as TaxIdResource,
  LeftOut as TaxRateResource,
  LeftOut as TokenResource,
  LeftOut as TopupResource,
  LeftOut as TransferResource,
  LeftOut as WebhookEndpointResource,
  LeftOut as Apps,
  LeftOut as Billing,
  LeftOut as BillingPortal,
  LeftOut as Climate,
  LeftOut as Entitlements,
  LeftOut as FinancialConnections,
  LeftOut as Forwarding,
  LeftOut as Identity,
  LeftOut as Issuing,
  LeftOut as ProductCatalog,
  LeftOut as Radar,
  LeftOut as Reporting,
  LeftOut as Sigma,
  LeftOut as Tax,
  LeftOut as Terminal,
  LeftOut as TestHelpers,
  LeftOut as ThreeDSecure,
  LeftOut as Treasury,
  LeftOut as Reserve,
  LeftOut as EventResource,
  LeftOut as OAuthResource,
};
