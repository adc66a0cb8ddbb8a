export interface Order {
  id: string;
  totalCents: number;
}

export async function fetchOrder(id: string): Promise<Order> {
  const response = await fetch(`/api/orders/${id}`);
  // @ts-ignore
  return response.json().data;
}
