// The starter contract `notify init` writes: an app's catalog (two example types) on the installed notify's protocol.

/**
 * The text of a starter `asyncapi.yaml` whose `$ref`s reach the protocol at `protocolRef` (a path relative to the
 * contract, e.g. `./node_modules/notify/protocol.yaml`).
 */
export function starterContract(protocolRef: string): string {
  const p = protocolRef;
  return `# This app's notification catalog, on notify's protocol.
#
# Add a type: a message under components.messages (with an example and, optionally, how it is shown:
# x-notify-display), its two schemas under components.schemas, and one line under
# channels.notifications.messages; then run \`npx notify generate\`.
# The $refs into ${p} bring notify's protocol (control frames, client actions, close codes,
# credentials) from the installed package: leave them as they are, an upgrade of notify never asks you to edit them.
asyncapi: 3.0.0
info:
  title: My app notifications
  version: 0.1.0
  description: The notifications this app pushes to its users through notify.
  # The categories users may turn off in their preferences ("general", for pushes without one, is always known).
  x-notify-categories: [orders, billing, general]

defaultContentType: application/json

servers:
  development:
    $ref: '${p}#/servers/development'

channels:
  # The protocol, owned by notify.
  notify:
    $ref: '${p}#/channels/notify'
  # The protocol: webhook events POSTed to this app's backend, owned by notify.
  webhooks:
    $ref: '${p}#/channels/webhooks'
  # The catalog: this app's notification types.
  notifications:
    address: /api/v1/notifications
    title: Notifications
    description: This app's notifications, pushed to every device of the user.
    messages:
      orderShipped:
        $ref: '#/components/messages/orderShipped'
      invoiceReady:
        $ref: '#/components/messages/invoiceReady'

operations:
  # Every message of the catalog channel (no list to keep in step).
  sendNotifications:
    action: send
    title: Push notifications
    summary: Notifications pushed to every device of the user.
    channel:
      $ref: '#/channels/notifications'
  sendControl:
    $ref: '${p}#/operations/sendControl'
  receiveActions:
    $ref: '${p}#/operations/receiveActions'
  sendWebhooks:
    $ref: '${p}#/operations/sendWebhooks'

components:
  messages:
    orderShipped:
      name: order_shipped
      title: Order shipped
      summary: An order left the warehouse.
      description: Sent to the buyer when the carrier picks the parcel up; the client links to the tracking page.
      # How the inbox, push messages and docs show it: {field} is a field of data, checked by \`notify generate\`.
      x-notify-display:
        title: 'Order {orderId} shipped'
        body: 'On its way with {carrier}.'
        url: '{trackingUrl}'
      payload:
        $ref: '#/components/schemas/OrderShippedNotification'
      examples:
        - name: parcelOnItsWay
          summary: Order A-1042 is on its way
          payload:
            type: order_shipped
            id: '0000000000000001'
            timestamp: 1733644800000
            category: orders
            data:
              orderId: A-1042
              carrier: DHL
              trackingUrl: https://tracking.example.com/A-1042
    invoiceReady:
      name: invoice_ready
      title: Invoice ready
      summary: An invoice can be downloaded.
      description: Sent when the monthly invoice is issued.
      # One template per locale; readers get theirs, else en, else the first. A locale without a url takes en's.
      x-notify-display:
        en:
          title: 'Invoice {invoiceNumber} is ready'
          body: 'Total: {amountCents} cents ({currency}).'
          url: '/invoices/{invoiceNumber}'
        de:
          title: 'Rechnung {invoiceNumber} ist bereit'
          body: 'Betrag: {amountCents} Cent ({currency}).'
      payload:
        $ref: '#/components/schemas/InvoiceReadyNotification'
      examples:
        - name: novemberInvoice
          summary: The November invoice
          payload:
            type: invoice_ready
            id: '0000000000000002'
            timestamp: 1733645000000
            category: billing
            data:
              invoiceNumber: INV-2024-11
              amountCents: 4900
              currency: EUR

  schemas:
    OrderShippedData:
      type: object
      additionalProperties: false
      required: [orderId, carrier, trackingUrl]
      properties:
        orderId: { type: string, minLength: 1, maxLength: 64 }
        carrier: { type: string, minLength: 1, maxLength: 100 }
        trackingUrl: { type: string, format: uri, maxLength: 2000 }
    OrderShippedNotification:
      type: object
      additionalProperties: false
      required: [type, id, timestamp, data]
      properties:
        type: { type: string, const: order_shipped }
        id: { $ref: '${p}#/components/schemas/NotificationId' }
        timestamp: { $ref: '${p}#/components/schemas/Timestamp' }
        category: { $ref: '${p}#/components/schemas/Category' }
        read: { type: boolean }
        data: { $ref: '#/components/schemas/OrderShippedData' }
    InvoiceReadyData:
      type: object
      additionalProperties: false
      required: [invoiceNumber, amountCents, currency]
      properties:
        invoiceNumber: { type: string, minLength: 1, maxLength: 64 }
        amountCents: { type: integer, minimum: 0 }
        currency: { $ref: '#/components/schemas/Currency' }
    # Enums get a name of their own, so the generated type is called Currency rather than AnonymousSchema.
    Currency:
      type: string
      enum: [EUR, USD, GBP]
    InvoiceReadyNotification:
      type: object
      additionalProperties: false
      required: [type, id, timestamp, data]
      properties:
        type: { type: string, const: invoice_ready }
        id: { $ref: '${p}#/components/schemas/NotificationId' }
        timestamp: { $ref: '${p}#/components/schemas/Timestamp' }
        category: { $ref: '${p}#/components/schemas/Category' }
        read: { type: boolean }
        data: { $ref: '#/components/schemas/InvoiceReadyData' }
`;
}
