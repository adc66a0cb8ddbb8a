export interface Order {
  id: string;
  totalCents: number;
}

export async function fetchOrder(id: string): Promise<Order> {
  const response = await fetch(`/api/orders/${id}`);
  return (await response.json()) as Order;
}
